import Evaluation
import Foundation
import Tensor
import TestSupport
import XCTest

/// Fréchet distance against closed forms, and the Inception-style score's extremes.
final class ImageSetDistanceTests: XCTestCase {
    func testGaussiansWithKnownMomentsGiveTheClosedForm() throws {
        // N(m1, diag(a)) vs N(m2, diag(b)): FD = |m1 - m2|^2 + sum (sqrt(a) - sqrt(b))^2.
        let m1 = [0.0, 1, 2], m2 = [1.0, 1, 0], a = [1.0, 4, 9], b = [4.0, 1, 9]
        func diag(_ v: [Double]) -> [Double] { (0..<9).map { $0 % 4 == 0 ? v[$0 / 4] : 0 } }
        let fd = try ImageSetDistance.frechet(mean1: m1, cov1: diag(a), mean2: m2, cov2: diag(b))
        // |m1 - m2|^2 = 1 + 0 + 4; (sqrt a - sqrt b)^2 = 1 + 1 + 0.
        let expected: Double = 7
        XCTAssertEqual(fd, expected, accuracy: 1e-9)
        // A rotated (non-diagonal) pair: FD is invariant to rotating both distributions together.
        let c = cos(0.7), s = sin(0.7)
        let r = [c, -s, 0, s, c, 0, 0, 0, 1]
        func rotate(_ m: [Double]) -> [Double] {
            // R M R^T
            var out = [Double](repeating: 0, count: 9)
            for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { for l in 0..<3 { out[i * 3 + j] += r[i * 3 + k] * m[k * 3 + l] * r[j * 3 + l] } } } }
            return out
        }
        func rotateVector(_ v: [Double]) -> [Double] { (0..<3).map { i in (0..<3).reduce(0) { $0 + r[i * 3 + $1] * v[$1] } } }
        let rotated = try ImageSetDistance.frechet(mean1: rotateVector(m1), cov1: rotate(diag(a)), mean2: rotateVector(m2), cov2: rotate(diag(b)))
        XCTAssertEqual(rotated, expected, accuracy: 1e-9)
    }

    func testSampleSetsDistanceIsNearZeroForOneDistributionAndGrowsWithAShift() throws {
        var rng = SplitMix64(seed: 4)
        func sample(_ n: Int, shift: Float) -> Tensor {
            Tensor(shape: [n, 4], scalars: (0..<(n * 4)).map { _ in rng.nextGaussian() + shift })
        }
        let a = sample(20000, shift: 0), b = sample(20000, shift: 0), c = sample(20000, shift: 1)
        XCTAssertLessThan(try ImageSetDistance.frechet(a, b), 0.02)
        XCTAssertEqual(try ImageSetDistance.frechet(a, c), 4, accuracy: 0.2)  // |shift|^2 over 4 dimensions; sampling sd ~0.04
        XCTAssertEqual(try ImageSetDistance.frechet(a, a), 0, accuracy: 1e-6)
        XCTAssertThrowsError(try ImageSetDistance.frechet(a, Tensor(zeros: [10, 3])))
    }

    func testInceptionStyleScoreRangesFromOneToTheClassCount() {
        let confidentAndDiverse = (0..<10).map { k in (0..<10).map { $0 == k ? 1.0 : 0.0 } }
        XCTAssertEqual(ImageSetDistance.inceptionStyleScore(confidentAndDiverse), 10, accuracy: 1e-9)
        let allTheSame = [[Double]](repeating: [0.1, 0.9], count: 5)
        XCTAssertEqual(ImageSetDistance.inceptionStyleScore(allTheSame), 1, accuracy: 1e-9)
    }
}
