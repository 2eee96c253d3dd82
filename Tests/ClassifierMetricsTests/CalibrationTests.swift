import ClassifierMetrics
import Foundation
import Tensor
import XCTest

final class CalibrationTests: XCTestCase {
    /// Logits drawn from a known calibrated model and then inflated 3x: the fit must find T close to 3.
    func testTemperatureRecoversKnownOverconfidence() {
        var rng = SplitMix64(seed: 1)
        var logits: [Double] = [], labels: [Int] = []
        for _ in 0..<20_000 {
            let z = Double(rng.nextGaussian()) * 2
            let p = 1 / (1 + exp(-z))
            labels.append(Double.random(in: 0..<1, using: &rng) < p ? 1 : 0)
            logits.append(3 * z)
        }
        XCTAssertEqual(Calibration.fitTemperature(logits: logits, labels: labels), 3, accuracy: 0.15)
    }

    func testUnsureBandHoldsTheTargetShare() {
        let p = (0..<1000).map { Double($0) / 999 }
        let band = Calibration.unsureBand(probabilities: p, maxShare: 0.05)
        let inside = p.filter { $0 > band.lowerBound && $0 < band.upperBound }.count
        XCTAssertLessThanOrEqual(inside, 50)
        XCTAssertGreaterThanOrEqual(inside, 45)
        XCTAssertEqual(band.lowerBound + band.upperBound, 1, accuracy: 1e-12)
    }

    /// The band's edges sit between data points: the same images stay inside when p_fake is recomputed with
    /// another rounding (calibrate scores in Double, inference in Float).
    func testUnsureBandEdgesLieBetweenImages() {
        let p = (0..<64).map { 0.5 + Double($0 - 32) / 70 }
        let band = Calibration.unsureBand(probabilities: p, maxShare: 0.05)
        for jitter in [-1e-6, 0, 1e-6] {
            let inside = p.filter { $0 + jitter > band.lowerBound && $0 + jitter < band.upperBound }.count
            XCTAssertEqual(inside, 3, "jitter \(jitter)")
        }
    }

    func testECEOfPerfectAndOverconfidentPredictions() {
        // Confidence 0.8 and 80 % right: calibrated; confidence 1.0 and 80 % right: ECE 0.2.
        let labels = (0..<100).map { $0 < 80 ? 1 : 0 }
        XCTAssertEqual(Calibration.expectedCalibrationError(labels: labels, probabilities: labels.map { _ in [0.2, 0.8] }), 0, accuracy: 1e-12)
        XCTAssertEqual(Calibration.expectedCalibrationError(labels: labels, probabilities: labels.map { _ in [0.0, 1.0] }), 0.2, accuracy: 1e-12)
    }
}
