import ClassifierMetrics
import XCTest

/// The one logit -> probability conversion: known values, temperature, and no overflow at extreme logits.
final class LogitProbabilitiesTests: XCTestCase {
    func testBinaryAndSoftmax() {
        XCTAssertEqual(LogitProbabilities.binary(logit: 0), [0.5, 0.5])
        let p = LogitProbabilities.binary(logit: 2, temperature: 2)[1]
        XCTAssertEqual(p, 1 / (1 + exp(-1)), accuracy: 1e-15)
        XCTAssertEqual(LogitProbabilities.binary(logit: -800)[1], 0, accuracy: 1e-300)
        let s = LogitProbabilities.softmax([1, 2, 3])
        XCTAssertEqual(s.reduce(0, +), 1, accuracy: 1e-15)
        XCTAssertEqual(s[2] / s[1], exp(1), accuracy: 1e-12)
        XCTAssertEqual(LogitProbabilities.softmax([1000, 1000]), [0.5, 0.5], "no overflow")
        let t = LogitProbabilities.softmax([0, 4], temperature: 4)
        XCTAssertEqual(t[1] / t[0], exp(1), accuracy: 1e-12)
    }
}
