import NN
import Tensor
import TestSupport
import XCTest

/// Re-estimating batch-norm statistics with dropout off: the running mean and variance become the average
/// of each batch's mean and unbiased variance of the layer's input as it is at inference.
final class BatchNormRecalibrationTests: XCTestCase {
    /// Per-channel mean and unbiased variance of a `[N, C]` batch.
    private func moments(_ x: Tensor) -> (mean: [Double], variance: [Double]) {
        let n = x.shape[0], c = x.shape[1], s = x.scalars
        var mean = [Double](repeating: 0, count: c), variance = mean
        for ch in 0..<c {
            let column = (0..<n).map { Double(s[$0 * c + ch]) }
            let m = column.reduce(0, +) / Double(n)
            mean[ch] = m
            variance[ch] = column.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(n - 1)
        }
        return (mean, variance)
    }

    func testStatisticsAreTheAverageOfBatchMomentsWithDropoutOff() {
        let norm = BatchNorm(3, momentum: 0.1)
        let model = Sequential([Dropout(0.5, seed: 9), norm])
        let batches = (0..<4).map { randomTensor([32, 3], seed: UInt64(10 + $0), range: -2...5) }
        // Training with dropout on leaves the running variance inflated by the dropout noise.
        model.setTraining(true)
        for _ in 0..<50 { for b in batches { _ = model(b) } }
        let used = model.recalibrateBatchNorm(batches)
        XCTAssertEqual(used, 4)
        let per = batches.map(moments)
        for ch in 0..<3 {
            let mean = per.map { $0.mean[ch] }.reduce(0, +) / 4, variance = per.map { $0.variance[ch] }.reduce(0, +) / 4
            XCTAssertEqual(Double(norm.runningMean.scalars[ch]), mean, accuracy: 1e-4)
            XCTAssertEqual(Double(norm.runningVar.scalars[ch]), variance, accuracy: 1e-3 * variance)
        }
        XCTAssertEqual(norm.momentum, 0.1, "the layer's own momentum is restored")
        XCTAssertFalse(model.modules().contains { $0.isTraining }, "left in evaluation mode")
    }

    func testInferenceAfterRecalibrationOnOneBatchStandardisesIt() {
        var rng = SplitMix64(seed: 4)
        let norm = BatchNorm(6)
        let model = Sequential([Dense(4, 6, using: &rng), Dropout(0.5, seed: 2), norm])
        let data = randomTensor([192, 4], seed: 20, range: -1...1)
        model.setTraining(true)
        for _ in 0..<20 { _ = model(data) }
        model.recalibrateBatchNorm([data])
        // Statistics of exactly this batch without dropout: inference maps it to mean 0 and variance 1
        // (gamma 1, beta 0; epsilon 1e-5 is negligible here).
        let out = moments(model(data))
        for ch in 0..<6 {
            XCTAssertEqual(out.mean[ch], 0, accuracy: 1e-4)
            XCTAssertEqual(out.variance[ch], 1, accuracy: 1e-3)
        }
    }

    func testNoBatchesLeavesStatisticsUnchanged() {
        let norm = BatchNorm(2)
        let model = Sequential([norm])
        model.setTraining(true)
        _ = model(randomTensor([8, 2], seed: 1, range: 3...4))
        let before = norm.runningMean.scalars + norm.runningVar.scalars
        XCTAssertEqual(model.recalibrateBatchNorm([Tensor]()), 0)
        XCTAssertEqual(norm.runningMean.scalars + norm.runningVar.scalars, before)
    }
}
