import NN
import TestSupport
import XCTest

/// Learning rates (and one-cycle momentum) per step against PyTorch's schedulers (fixture `schedules.json`).
final class LRScheduleTests: XCTestCase {
    func testSchedulesMatchPyTorch() throws {
        let cases = try XCTUnwrap(torchFixture("schedules")["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 3)
        for c in cases {
            let h = c["hyper"] as! [String: Any]
            let lrs = c["lrs"] as! [Double]
            let schedule: LRSchedule
            let base: Double
            switch c["class"] as! String {
            case "OneCycleLR":
                schedule = .oneCycle(totalSteps: h["total_steps"] as! Int)
                base = h["max_lr"] as! Double
                let momenta = c["momenta"] as! [Double]
                for (t, m) in momenta.enumerated() {
                    XCTAssertEqual(schedule.momentum(at: t)!, m, accuracy: 1e-9, "one-cycle momentum at \(t)")
                }
            case "CosineAnnealingLR":
                schedule = .cosine(totalSteps: h["T_max"] as! Int, minRate: h["eta_min"] as! Double)
                base = c["base_lr"] as! Double
            case "StepLR":
                schedule = .step(stepSize: h["step_size"] as! Int, gamma: h["gamma"] as! Double)
                base = c["base_lr"] as! Double
            default:
                XCTFail("unexpected schedule"); continue
            }
            for (t, lr) in lrs.enumerated() {
                XCTAssertEqual(schedule.learningRate(at: t, base: base), lr, accuracy: 1e-9, "\(c["name"]!) at step \(t)")
            }
        }
    }

    func testConstantScheduleHasNoMomentumCycle() {
        XCTAssertEqual(LRSchedule.constant.learningRate(at: 100, base: 0.3), 0.3)
        XCTAssertNil(LRSchedule.constant.momentum(at: 3))
    }
}
