import Tensor
import TestSupport
import XCTest

/// Batch norm fused with a residual add and an activation equals the three ops run one after another
/// (outputs, running statistics, and the gradients of x, gamma, beta and the residual), and passes a
/// numerical gradient check on its own.
final class FusedBatchNormTests: XCTestCase {
    let activations: [(String, PiecewiseLinear?, (Tensor) -> Tensor)] = [
        ("none", nil, { $0 }),
        ("relu", .relu, { $0.relu() }),
        ("relu6", .relu6, { $0.relu6() }),
        ("leaky 0.2", .leakyRelu(0.2), { $0.leakyRelu(0.2) }),
    ]

    func testFusedEqualsTheOpsInSequence() {
        // Channel counts 5 and 16, an odd row count, values on both sides of 0 and of ReLU6's 6.
        for (shape, training) in [([3, 3, 5, 5], true), ([2, 4, 4, 16], true), ([7, 6], true), ([3, 3, 5, 5], false)] {
            let c = shape.last!
            for withResidual in [false, true] {
                for (name, fused, unfused) in activations {
                    let x = randomTensor(shape, seed: 1, range: -4...4), gamma = randomTensor([c], seed: 2, range: 0.5...4)
                    let beta = randomTensor([c], seed: 3, range: -1...3), residual = randomTensor(shape, seed: 4, range: -3...5)
                    let stats = (mean: randomTensor([c], seed: 5), variance: randomTensor([c], seed: 6, range: 0.5...2))
                    let (m1, v1, m2, v2) = (stats.mean.copy(), stats.variance.copy(), stats.mean.copy(), stats.variance.copy())
                    let inputs = withResidual ? [x, gamma, beta, residual] : [x, gamma, beta]
                    let (expected, expectedGrads) = valueAndGradients(inputs.map { $0.copy() }) { t in
                        let bn = t[0].batchNorm(gamma: t[1], beta: t[2], runningMean: m1, runningVar: v1, training: training)
                        return unfused(withResidual ? bn + t[3] : bn)
                    }
                    let (got, gotGrads) = valueAndGradients(inputs.map { $0.copy() }) { t in
                        t[0].batchNorm(gamma: t[1], beta: t[2], runningMean: m2, runningVar: v2, training: training,
                                       residual: withResidual ? t[3] : nil, activation: fused)
                    }
                    let what = "\(shape) training \(training) residual \(withResidual) \(name)"
                    assertClose(got, expected, atol: 1e-5, rtol: 1e-5, "output \(what)")
                    assertClose(m2, m1, atol: 0, rtol: 0, "running mean \(what)")
                    assertClose(v2, v1, atol: 0, rtol: 0, "running variance \(what)")
                    for k in inputs.indices { assertClose(gotGrads[k], expectedGrads[k], atol: 1e-4, rtol: 1e-4, "gradient \(k) \(what)") }
                    if name == "relu6" {
                        XCTAssertTrue(got.scalars.contains(6) && got.scalars.contains(0), "both clamps exercised \(what)")
                    }
                }
            }
        }
    }

    func testFusedGradientCheck() {
        // Leaky ReLU keeps the objective smooth enough almost everywhere for central differences.
        let rm = Tensor(zeros: [4]), rv = Tensor(repeating: 1, shape: [4])
        gradientCheck([randomTensor([3, 2, 2, 4], seed: 10), randomTensor([4], seed: 11, range: 0.5...1.5),
                       randomTensor([4], seed: 12), randomTensor([3, 2, 2, 4], seed: 13)], eps: 1e-3, atol: 5e-3) {
            $0[0].batchNorm(gamma: $0[1], beta: $0[2], runningMean: rm.copy(), runningVar: rv.copy(), training: true,
                            residual: $0[3], activation: .leakyRelu(0.3))
        }
    }

    /// A residual that does not need a gradient gets none, and the others are unchanged.
    func testConstantResidual() {
        let x = randomTensor([4, 3], seed: 20), gamma = randomTensor([3], seed: 21), beta = randomTensor([3], seed: 22)
        let residual = randomTensor([4, 3], seed: 23)
        x.requiresGrad = true
        let y = x.batchNorm(gamma: gamma, beta: beta, runningMean: Tensor(zeros: [3]), runningVar: Tensor(repeating: 1, shape: [3]),
                            training: true, residual: residual, activation: .relu)
        y.sum().backward()
        XCTAssertNil(residual.grad)
        XCTAssertNotNil(x.grad)
    }
}
