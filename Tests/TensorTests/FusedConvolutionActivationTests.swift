import Tensor
import TestSupport
import XCTest

/// `conv2d(..., activation:)` (the training-time fusion) equals the convolution followed by the activation
/// op in value and in the gradients of input, weight and bias, on every backend, and passes a numerical
/// gradient check on its own.
final class FusedConvolutionActivationTests: XCTestCase {
    let activations: [(String, PiecewiseLinear, (Tensor) -> Tensor)] = [
        ("relu", .relu, { $0.relu() }),
        ("relu6", .relu6, { $0.relu6() }),
        ("leaky 0.2", .leakyRelu(0.2), { $0.leakyRelu(0.2) }),
    ]

    /// Runs `body` with `backend` as the engine's convolution, then restores the default.
    func using<T>(_ backend: any ConvolutionBackend, _ body: () -> T) -> T {
        let saved = Kernels.convolution
        Kernels.convolution = backend
        defer { Kernels.convolution = saved }
        return body()
    }

    func testFusedEqualsTheOpsInSequence() {
        // (kernel, stride, padding, cin, cout): a 3-channel first layer, 4x4 'same' (asymmetric), stride 2,
        // 1x1, and channel counts that are not multiples of 8.
        let shapes: [(Int, Int, Padding, Int, Int)] = [(4, 1, .same, 3, 8), (3, 2, .same, 5, 13), (1, 1, .valid, 16, 7), (4, 1, .valid, 9, 32)]
        for backend in ["default", "im2col", "onednn"] {
            let chosen: any ConvolutionBackend = switch backend {
            case "im2col": Im2colConvolution()
            case "onednn": OneDNNConvolution()!
            default: ShapeRoutedConvolution()
            }
            for (kernel, stride, padding, cin, cout) in shapes {
                for withBias in [false, true] {
                    for (name, fused, unfused) in activations {
                        // Values around 0 and past ReLU6's 6 so both clamps are exercised.
                        let x = randomTensor([3, 9, 9, cin], seed: 1, range: -3...3), w = randomTensor([kernel, kernel, cin, cout], seed: 2, range: -1...1)
                        let b = randomTensor([cout], seed: 3, range: -1...5)
                        let inputs = withBias ? [x, w, b] : [x, w]
                        let (expected, expectedGrads) = using(chosen) {
                            valueAndGradients(inputs.map { $0.copy() }) { t in
                                unfused(t[0].conv2d(t[1], bias: withBias ? t[2] : nil, stride: stride, padding: padding))
                            }
                        }
                        let (got, gotGrads) = using(chosen) {
                            valueAndGradients(inputs.map { $0.copy() }) { t in
                                t[0].conv2d(t[1], bias: withBias ? t[2] : nil, stride: stride, padding: padding, activation: fused)
                            }
                        }
                        let what = "\(backend) k\(kernel) s\(stride) \(cin)->\(cout) bias \(withBias) \(name)"
                        assertClose(got, expected, atol: 1e-5, rtol: 1e-5, "output \(what)")
                        for k in inputs.indices { assertClose(gotGrads[k], expectedGrads[k], atol: 1e-4, rtol: 1e-4, "gradient \(k) \(what)") }
                        if name == "relu6" && withBias {
                            XCTAssertTrue(got.scalars.contains(6) && got.scalars.contains(0), "both clamps exercised \(what)")
                        }
                    }
                }
            }
        }
    }

    func testFusedGradientCheck() {
        // Leaky ReLU keeps the objective smooth enough almost everywhere for central differences.
        gradientCheck([randomTensor([2, 5, 5, 3], seed: 10), randomTensor([3, 3, 3, 4], seed: 11), randomTensor([4], seed: 12)],
                      eps: 1e-3, atol: 5e-3) {
            $0[0].conv2d($0[1], bias: $0[2], stride: 2, padding: .same, activation: .leakyRelu(0.3))
        }
    }

    /// Without a gradient to record the fused op is the inference path: same values, no graph.
    func testNoGradRecordsNothing() {
        let x = randomTensor([2, 6, 6, 3], seed: 20), w = randomTensor([3, 3, 3, 4], seed: 21)
        w.requiresGrad = true
        let y = GradMode.withoutGrad { x.conv2d(w, activation: .relu) }
        XCTAssertFalse(y.requiresGrad)
        assertClose(y, x.conv2d(w).relu(), atol: 1e-6, rtol: 1e-6, "no-grad value")
    }
}
