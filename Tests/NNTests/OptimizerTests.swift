import NN
import Tensor
import TestSupport
import XCTest

/// Three steps of each optimizer from the same start and gradients as PyTorch (fixture `optimizers.json`).
final class OptimizerTests: XCTestCase {
    private func makeOptimizer(_ c: [String: Any], _ params: [(name: String, tensor: Tensor)]) throws -> Optimizer {
        let h = try XCTUnwrap(c["hyper"] as? [String: Any])
        let lr = Float(h["lr"] as! Double), wd = Float(h["weight_decay"] as? Double ?? 0)
        let betas = (h["betas"] as? [Double]).map { ($0.map(Float.init)) }
        switch c["class"] as! String {
        case "SGD":
            return SGD(parameters: params, learningRate: lr, momentum: Float(h["momentum"] as? Double ?? 0),
                       nesterov: h["nesterov"] as? Bool ?? false, weightDecay: wd)
        case "Adam":
            return Adam(parameters: params, learningRate: lr, beta1: betas?[0] ?? 0.9, beta2: betas?[1] ?? 0.999, weightDecay: wd)
        case "AdamW":
            return Adam(parameters: params, learningRate: lr, beta1: betas?[0] ?? 0.9, beta2: betas?[1] ?? 0.999, weightDecay: wd, decoupled: true)
        case "Adamax":
            return Adamax(parameters: params, learningRate: lr, weightDecay: wd)
        case let other:
            throw XCTSkip("unknown optimizer \(other)")
        }
    }

    func testThreeStepsMatchPyTorch() throws {
        let cases = try XCTUnwrap(torchFixture("optimizers")["cases"] as? [[String: Any]])
        XCTAssertEqual(Set(cases.compactMap { $0["class"] as? String }), ["SGD", "Adam", "AdamW", "Adamax"])
        for c in cases {
            let name = c["name"] as! String
            let p = fixtureTensor(c["p0"], requiresGrad: true)!
            let opt = try makeOptimizer(c, [("p", p)])
            let grads = (c["grads"] as! [Any]).map { fixtureTensor($0)! }
            let after = (c["after"] as! [Any]).map { fixtureTensor($0)! }
            for (step, g) in grads.enumerated() {
                p.grad = g
                opt.step()
                assertClose(p.detached(), after[step], atol: 1e-6, rtol: 1e-5, "\(name) step \(step + 1)")
            }
        }
    }

    /// A parameter large enough that its update is split over the workers: the fixture's values tiled
    /// 20,000 times take PyTorch's steps in every tile.
    func testLargeParametersMatchPyTorchInEveryTile() throws {
        let cases = try XCTUnwrap(torchFixture("optimizers")["cases"] as? [[String: Any]])
        let tiles = 20_000
        func tiled(_ t: Tensor) -> Tensor { Tensor(shape: [t.count * tiles], scalars: Array([[Float]](repeating: t.scalars, count: tiles).joined())) }
        for c in cases {
            let name = c["name"] as! String
            let p0 = fixtureTensor(c["p0"])!
            XCTAssertGreaterThan(p0.count * tiles, 2 * (1 << 15), "\(name): large enough to be split")
            let p = tiled(p0)
            p.requiresGrad = true
            let opt = try makeOptimizer(c, [("p", p)])
            let grads = (c["grads"] as! [Any]).map { tiled(fixtureTensor($0)!) }
            let after = (c["after"] as! [Any]).map { tiled(fixtureTensor($0)!) }
            for (step, g) in grads.enumerated() {
                p.grad = g
                opt.step()
                assertClose(p.detached(), after[step], atol: 1e-6, rtol: 1e-5, "\(name) step \(step + 1), tiled")
            }
        }
    }

    func testStateDictRoundTripContinuesIdentically() {
        let p1 = Tensor(shape: [4], scalars: [1, -2, 3, -4], requiresGrad: true)
        let p2 = p1.copy(); p2.requiresGrad = true
        let a = Adam(parameters: [("w", p1)], learningRate: 0.1)
        let g = Tensor(shape: [4], scalars: [0.5, -0.1, 0.2, 0.3])
        p1.grad = g; a.step()
        p2.assign(p1)
        let b = Adam(parameters: [("w", p2)], learningRate: 0.1)
        b.loadStateDict(a.stateDict())
        p1.grad = g; p2.grad = g
        a.step(); b.step()
        XCTAssertEqual(p1.scalars, p2.scalars)
        XCTAssertEqual(b.stepCount, 2)
    }
}
