import Tensor
import TestSupport
import XCTest

/// Forward values and gradients compared with PyTorch (fixtures from `scripts/make_torch_fixtures.py`).
final class TorchReferenceTests: XCTestCase {
    private func cases(_ file: String) throws -> [[String: Any]] {
        try XCTUnwrap(torchFixture(file)["cases"] as? [[String: Any]])
    }

    /// Runs `op`, back-propagates `gy`, and compares y, dx, dw, db.
    private func checkConvCase(_ c: [String: Any], _ op: (Tensor, Tensor, Tensor?) -> Tensor) {
        let name = c["name"] as? String ?? "?"
        let x = fixtureTensor(c["x"], requiresGrad: true)!, w = fixtureTensor(c["w"], requiresGrad: true)!
        let b = fixtureTensor(c["b"], requiresGrad: true)
        let y = op(x, w, b)
        assertClose(y, fixtureTensor(c["y"]), atol: 1e-5, rtol: 1e-4, "\(name) y")
        y.backward(fixtureTensor(c["gy"]))
        assertClose(x.grad, fixtureTensor(c["dx"]), atol: 1e-5, rtol: 1e-4, "\(name) dx")
        assertClose(w.grad, fixtureTensor(c["dw"]), atol: 1e-5, rtol: 1e-4, "\(name) dw")
        if let b { assertClose(b.grad, fixtureTensor(c["db"]), atol: 1e-5, rtol: 1e-4, "\(name) db") }
    }

    private func padding(_ c: [String: Any]) -> Padding {
        let p = c["pad"] as! [Int]
        return .explicit(top: p[0], bottom: p[1], left: p[2], right: p[3])
    }

    func testConv2dMatchesPyTorch() throws {
        let all = try cases("conv2d")
        XCTAssertGreaterThanOrEqual(all.count, 7)
        for c in all {
            checkConvCase(c) { x, w, b in x.conv2d(w, bias: b, stride: c["stride"] as! Int, padding: padding(c)) }
        }
    }

    func testKerasSamePaddingResolvesAsTensorFlow() throws {
        // The fixture's explicit pads for 'same' cases were computed with TF's rule; ours must agree.
        XCTAssertTrue(Padding.same.resolve(input: 7, kernel: 4, stride: 1, vertical: true) == (1, 2, 7))
        XCTAssertTrue(Padding.same.resolve(input: 8, kernel: 4, stride: 2, vertical: true) == (1, 1, 4))
        XCTAssertTrue(Padding.same.resolve(input: 8, kernel: 3, stride: 2, vertical: true) == (0, 1, 4))
        XCTAssertTrue(Padding.same.resolve(input: 7, kernel: 3, stride: 2, vertical: true) == (1, 1, 4))
    }

    func testDepthwiseConvMatchesPyTorch() throws {
        for c in try cases("depthwise") {
            checkConvCase(c) { x, w, b in x.depthwiseConv2d(w, bias: b, stride: c["stride"] as! Int, padding: padding(c)) }
        }
    }

    func testTransposedConvMatchesPyTorch() throws {
        for c in try cases("conv_transpose") {
            checkConvCase(c) { x, w, b in
                x.convTranspose2d(w, bias: b, stride: c["stride"] as! Int, padding: c["padding"] as! Int, outputPadding: c["output_padding"] as! Int)
            }
        }
    }

    func testBatchNormTrainAndEvalMatchPyTorch() throws {
        for c in try cases("batchnorm") {
            let name = c["name"] as! String
            let x = fixtureTensor(c["x"], requiresGrad: true)!
            let gamma = fixtureTensor(c["gamma"], requiresGrad: true)!, beta = fixtureTensor(c["beta"], requiresGrad: true)!
            let rm = fixtureTensor(c["running_mean_in"])!, rv = fixtureTensor(c["running_var_in"])!
            let momentum = Float(c["momentum"] as! Double), eps = Float(c["eps"] as! Double)
            let y = x.batchNorm(gamma: gamma, beta: beta, runningMean: rm, runningVar: rv, training: true, momentum: momentum, epsilon: eps)
            assertClose(y, fixtureTensor(c["y_train"]), atol: 1e-5, rtol: 1e-4, "\(name) y_train")
            y.backward(fixtureTensor(c["gy"]))
            assertClose(x.grad, fixtureTensor(c["dx"]), atol: 1e-5, rtol: 1e-3, "\(name) dx")
            assertClose(gamma.grad, fixtureTensor(c["dgamma"]), atol: 1e-5, rtol: 1e-4, "\(name) dgamma")
            assertClose(beta.grad, fixtureTensor(c["dbeta"]), atol: 1e-5, rtol: 1e-4, "\(name) dbeta")
            assertClose(rm, fixtureTensor(c["running_mean_out"]), atol: 1e-6, rtol: 1e-5, "\(name) running mean")
            assertClose(rv, fixtureTensor(c["running_var_out"]), atol: 1e-6, rtol: 1e-5, "\(name) running var")
            let yEval = x.batchNorm(gamma: gamma, beta: beta, runningMean: rm, runningVar: rv, training: false, momentum: momentum, epsilon: eps)
            assertClose(yEval, fixtureTensor(c["y_eval"]), atol: 1e-5, rtol: 1e-4, "\(name) y_eval")
        }
    }

    func testActivationsAndPoolingMatchPyTorch() throws {
        let fixture = try torchFixture("activations")
        let elementwise = try XCTUnwrap(fixture["elementwise"] as? [String: Any])
        let ops: [String: (Tensor) -> Tensor] = [
            "relu": { $0.relu() }, "relu6": { $0.relu6() }, "leaky_relu_0.2": { $0.leakyRelu(0.2) },
            "sigmoid": { $0.sigmoid() }, "tanh": { $0.tanh() },
            "softmax_lastdim": { $0.softmax() }, "log_softmax_lastdim": { $0.logSoftmax() },
        ]
        let expected = try XCTUnwrap(elementwise["ops"] as? [String: [String: Any]])
        XCTAssertEqual(Set(expected.keys), Set(ops.keys))
        for (name, op) in ops {
            let x = fixtureTensor(elementwise["x"], requiresGrad: true)!
            let y = op(x)
            assertClose(y, fixtureTensor(expected[name]?["y"]), "\(name) y")
            y.backward(fixtureTensor(elementwise["gy"]))
            assertClose(x.grad, fixtureTensor(expected[name]?["dx"]), "\(name) dx")
        }
        let pooling = try XCTUnwrap(fixture["pooling"] as? [String: Any])
        let poolOps = try XCTUnwrap(pooling["ops"] as? [String: [String: Any]])
        let pools: [String: (Tensor) -> Tensor] = [
            "maxpool_2x2_s2": { $0.maxPool2d(size: 2, stride: 2) }, "avgpool_2x2_s2": { $0.avgPool2d(size: 2, stride: 2) },
            "global_avgpool": { $0.globalAvgPool() },
        ]
        for (name, op) in pools {
            let x = fixtureTensor(pooling["x"], requiresGrad: true)!
            let y = op(x)
            assertClose(y, fixtureTensor(poolOps[name]?["y"]), "\(name) y")
            y.backward(fixtureTensor(poolOps[name]?["gy"]))
            assertClose(x.grad, fixtureTensor(poolOps[name]?["dx"]), "\(name) dx")
        }
    }
}
