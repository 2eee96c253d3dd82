import NN
import Tensor
import TestSupport
import XCTest

final class LossTests: XCTestCase {
    func testLossesMatchPyTorchIncludingExtremeLogits() throws {
        let cases = try XCTUnwrap(torchFixture("losses")["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 4)
        for c in cases {
            let name = c["name"] as! String
            let logits = fixtureTensor(c["logits"], requiresGrad: true)!
            let targets = (c["targets"] as! [String: Any])["data"] as! [Double]
            let loss = c["kind"] as! String == "bce_with_logits"
                ? Loss.binaryCrossEntropy(logits: logits, targets: targets.map(Float.init))
                : Loss.softmaxCrossEntropy(logits: logits, labels: targets.map { Int($0) })
            XCTAssertEqual(loss.item, Float(c["loss"] as! Double), accuracy: 1e-5 * max(1, abs(loss.item)), name)
            XCTAssertTrue(loss.item.isFinite, name)
            loss.backward()
            assertClose(logits.grad, fixtureTensor(c["dlogits"]), atol: 1e-6, rtol: 1e-4, "\(name) dlogits")
        }
    }

    func testLossGradientsByCentralDifferences() {
        let targets: [Float] = [1, 0, 1, 0, 1]
        gradientCheck([randomTensor([5, 1], seed: 3, range: -3...3)]) { Loss.binaryCrossEntropy(logits: $0[0], targets: targets) }
        gradientCheck([randomTensor([4, 3], seed: 4, range: -3...3)]) { Loss.softmaxCrossEntropy(logits: $0[0], labels: [0, 2, 1, 2]) }
        gradientCheck([randomTensor([3, 2], seed: 5), randomTensor([4], seed: 6)]) { Loss.l2Penalty([$0[0], $0[1]], lambda: 0.01) }
        gradientCheck([Tensor(shape: [4], scalars: [-0.5, 0.25, 0.75, -1])]) { Loss.l1Penalty([$0[0]], lambda: 0.1) }
    }

    func testPenaltyValues() {
        let w = Tensor(shape: [3], scalars: [1, -2, 3])
        XCTAssertEqual(Loss.l1Penalty([w], lambda: 0.5).item, 3, accuracy: 1e-6)
        XCTAssertEqual(Loss.l2Penalty([w], lambda: 0.5).item, 7, accuracy: 1e-6)
    }
}
