import Tensor
import TestSupport
import XCTest

/// Central-difference checks of every differentiable op (tolerances: atol 2e-3 + rtol 2e-2 in Float32
/// with eps 1e-2, unless a test states otherwise).
final class GradientCheckTests: XCTestCase {
    func testElementwiseArithmeticWithBroadcasting() {
        gradientCheck([randomTensor([2, 3, 4], seed: 1), randomTensor([4], seed: 2)]) { $0[0] + $0[1] }
        gradientCheck([randomTensor([2, 3, 4], seed: 1), randomTensor([3, 1], seed: 2)]) { $0[0] - $0[1] }
        gradientCheck([randomTensor([2, 3, 4], seed: 1), randomTensor([1, 3, 4], seed: 2)]) { $0[0] * $0[1] }
        gradientCheck([randomTensor([2, 3], seed: 1), randomTensor([3], seed: 2, range: 1...2)]) { $0[0] / $0[1] }
        gradientCheck([randomTensor([5], seed: 3)]) { $0[0] * 3 + 1 }
    }

    func testUnaryFunctions() {
        gradientCheck([randomTensor([7], seed: 4, range: 0.5...2)]) { $0[0].log() }
        gradientCheck([randomTensor([7], seed: 4)]) { $0[0].exp() }
        gradientCheck([randomTensor([7], seed: 4, range: 0.5...2)]) { $0[0].sqrt() }
        gradientCheck([randomTensor([7], seed: 4)]) { $0[0].squared() }
        gradientCheck([Tensor(shape: [4], scalars: [-0.7, -0.2, 0.3, 0.9])]) { $0[0].abs() }
    }

    func testActivations() {
        // Points kept away from kinks (0 and 6) so the central difference is valid.
        let x = Tensor(shape: [2, 4], scalars: [-2, -0.5, 0.4, 1.5, 3, 5.5, 6.5, -4])
        gradientCheck([x.copy()]) { $0[0].relu() }
        gradientCheck([x.copy()]) { $0[0].relu6() }
        gradientCheck([x.copy()]) { $0[0].leakyRelu(0.2) }
        gradientCheck([x.copy()]) { $0[0].sigmoid() }
        gradientCheck([x.copy()]) { $0[0].tanh() }
        gradientCheck([randomTensor([3, 5], seed: 5)]) { $0[0].softmax() }
        gradientCheck([randomTensor([3, 5], seed: 5)]) { $0[0].logSoftmax() }
    }

    func testReductionsAndShapes() {
        gradientCheck([randomTensor([2, 3, 4], seed: 6)]) { $0[0].sum() }
        gradientCheck([randomTensor([2, 3, 4], seed: 6)]) { $0[0].mean() }
        gradientCheck([randomTensor([2, 3, 4], seed: 6)]) { $0[0].sum(axes: [1]) }
        gradientCheck([randomTensor([2, 3, 4], seed: 6)]) { $0[0].mean(axes: [0, 2], keepDims: true) }
        gradientCheck([randomTensor([2, 3, 4], seed: 6)]) { $0[0].reshaped([4, -1]) }
        gradientCheck([randomTensor([2, 3, 4], seed: 6)]) { $0[0].permuted([2, 0, 1]) }
        gradientCheck([randomTensor([2, 3, 4], seed: 6), randomTensor([2, 1, 4], seed: 7)]) { Tensor.concat([$0[0], $0[1]], axis: 1) }
        gradientCheck([randomTensor([2, 3, 3, 2], seed: 8)]) { $0[0].zeroPadded(top: 1, bottom: 2, left: 0, right: 1) }
        gradientCheck([randomTensor([2, 3, 3, 2], seed: 8)]) { $0[0].flattened() }
    }

    func testMatmulAndLinear() {
        gradientCheck([randomTensor([3, 4], seed: 9), randomTensor([4, 5], seed: 10)]) { $0[0].matmul($0[1]) }
        gradientCheck([randomTensor([3, 4], seed: 9), randomTensor([4, 5], seed: 10), randomTensor([5], seed: 11)]) {
            $0[0].linear($0[1], bias: $0[2])
        }
    }

    func testConvolutions() {
        let cases: [(kernel: Int, stride: Int, padding: Padding, size: Int)] = [
            (3, 1, .same, 5), (3, 1, .valid, 6), (4, 2, .same, 6), (4, 1, .same, 5), (5, 2, .symmetric(2), 7), (1, 1, .valid, 4),
        ]
        for (i, c) in cases.enumerated() {
            let s = UInt64(20 + i)
            gradientCheck([randomTensor([2, c.size, c.size, 3], seed: s), randomTensor([c.kernel, c.kernel, 3, 4], seed: s + 1),
                           randomTensor([4], seed: s + 2)]) {
                $0[0].conv2d($0[1], bias: $0[2], stride: c.stride, padding: c.padding)
            }
            gradientCheck([randomTensor([2, c.size, c.size, 3], seed: s), randomTensor([c.kernel, c.kernel, 3], seed: s + 1)]) {
                $0[0].depthwiseConv2d($0[1], stride: c.stride, padding: c.padding)
            }
        }
        gradientCheck([randomTensor([2, 3, 3, 4], seed: 40), randomTensor([4, 4, 2, 4], seed: 41), randomTensor([2], seed: 42)]) {
            $0[0].convTranspose2d($0[1], bias: $0[2], stride: 2, padding: 1)
        }
        gradientCheck([randomTensor([1, 3, 2, 2], seed: 43), randomTensor([3, 3, 3, 2], seed: 44)]) {
            $0[0].convTranspose2d($0[1], stride: 2, padding: 1, outputPadding: 1)
        }
    }

    func testPooling() {
        // Distinct values so max pooling has no ties within eps.
        let x = Tensor(shape: [1, 4, 4, 2], scalars: (0..<32).map { Float(($0 * 37) % 32) * 0.1 })
        gradientCheck([x.copy()], eps: 1e-3) { $0[0].maxPool2d() }
        gradientCheck([randomTensor([2, 5, 5, 3], seed: 50)]) { $0[0].avgPool2d() }
        gradientCheck([randomTensor([2, 4, 4, 3], seed: 51)]) { $0[0].globalAvgPool() }
    }

    func testNearestUpsampling() {
        let x = Tensor(shape: [1, 2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let y = x.upsampledNearest(2)
        XCTAssertEqual(y.shape, [1, 4, 4, 2])
        // Row 0 and 1 repeat input row 0; each pixel twice.
        XCTAssertEqual(Array(y.scalars[0..<8]), [1, 2, 1, 2, 3, 4, 3, 4])
        XCTAssertEqual(Array(y.scalars[8..<16]), [1, 2, 1, 2, 3, 4, 3, 4])
        XCTAssertEqual(Array(y.scalars[16..<24]), [5, 6, 5, 6, 7, 8, 7, 8])
        gradientCheck([randomTensor([2, 3, 2, 3], seed: 52)]) { $0[0].upsampledNearest(2) * $0[0].upsampledNearest(2) }
        gradientCheck([randomTensor([1, 2, 3, 2], seed: 53)]) { $0[0].upsampledNearest(3) }
    }

    func testBatchNormTrainingAndEval() {
        for shape in [[3, 2, 2, 4], [6, 5]] {
            let c = shape.last!
            let rm = Tensor(zeros: [c]), rv = Tensor(repeating: 1, shape: [c])
            gradientCheck([randomTensor(shape, seed: 60), randomTensor([c], seed: 61, range: 0.5...1.5), randomTensor([c], seed: 62)], eps: 1e-2, atol: 5e-3) {
                $0[0].batchNorm(gamma: $0[1], beta: $0[2], runningMean: rm.copy(), runningVar: rv.copy(), training: true)
            }
            gradientCheck([randomTensor(shape, seed: 63), randomTensor([c], seed: 64), randomTensor([c], seed: 65)]) {
                $0[0].batchNorm(gamma: $0[1], beta: $0[2], runningMean: rm, runningVar: rv, training: false)
            }
        }
    }

    func testDropoutIsSeededAndRoutesGradientThroughMask() {
        let x = randomTensor([64], seed: 70)
        var a = SplitMix64(seed: 3), b = SplitMix64(seed: 3)
        let ya = x.dropout(rate: 0.5, using: &a), yb = x.dropout(rate: 0.5, using: &b)
        XCTAssertEqual(ya.scalars, yb.scalars)
        let zeros = ya.scalars.filter { $0 == 0 }.count
        XCTAssertTrue((16...48).contains(zeros), "about half dropped, got \(zeros)")
        for (i, v) in ya.scalars.enumerated() where v != 0 { XCTAssertEqual(v, 2 * x.scalars[i], accuracy: 1e-6) }
        gradientCheck([x.copy()]) { t in var r = SplitMix64(seed: 9); return t[0].dropout(rate: 0.3, using: &r) }
    }

    func testNoGradModeRecordsNothing() {
        let w = randomTensor([3, 3], seed: 80)
        w.requiresGrad = true
        let y = GradMode.withoutGrad { w.matmul(w).relu() }
        XCTAssertFalse(y.requiresGrad)
        let z = w.matmul(w)
        XCTAssertTrue(z.requiresGrad)
    }

    func testGradientAccumulatesOverSharedInputs() {
        let x = Tensor(shape: [3], scalars: [1, 2, 3], requiresGrad: true)
        (x * x + x).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [3, 5, 7])
    }
}
