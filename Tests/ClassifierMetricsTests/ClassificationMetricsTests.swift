import ClassifierMetrics
import XCTest

final class ClassificationMetricsTests: XCTestCase {
    func testBinaryCountsAndRates() {
        // true:      R  R  R  F  F  F  F
        // predicted: R  F  R  F  F  R  F
        let labels = [0, 0, 0, 1, 1, 1, 1]
        let p: [Double] = [0.1, 0.8, 0.3, 0.9, 0.6, 0.4, 0.7]
        let m = ClassificationMetrics(labels: labels, probabilities: p.map { [1 - $0, $0] })
        XCTAssertEqual(m.confusion, [[2, 1], [1, 3]])
        XCTAssertEqual(m.accuracy, 5.0 / 7, accuracy: 1e-12)
        XCTAssertEqual(m.precision, 3.0 / 4, accuracy: 1e-12)
        XCTAssertEqual(m.recall, 3.0 / 4, accuracy: 1e-12)
        XCTAssertEqual(m.perClass[0].support, 3)
        // AUC by hand: of the 12 (positive, negative) pairs, the positive scores higher in 9.
        XCTAssertEqual(m.rocAUC!, 9.0 / 12, accuracy: 1e-12)
    }

    func testAUCTiesCountHalfAndMulticlassMacro() {
        XCTAssertEqual(ClassificationMetrics.rocAUC(labels: [0, 1], scores: [0.5, 0.5])!, 0.5, accuracy: 1e-12)
        XCTAssertNil(ClassificationMetrics.rocAUC(labels: [1, 1], scores: [0.2, 0.3]))
        let m = ClassificationMetrics(labels: [0, 1, 2, 2], probabilities: [[0.8, 0.1, 0.1], [0.1, 0.8, 0.3], [0.1, 0.1, 0.8], [0.6, 0.2, 0.2]])
        XCTAssertEqual(m.accuracy, 0.75)
        // One class against the rest, by hand: REAL and FAKE outrank all their negatives; class 2's positives (0.8, 0.2)
        // against its negatives (0.1, 0.3) win 3 of 4 pairs.
        XCTAssertEqual(m.perClass.map { $0.rocAUC! }, [1, 1, 0.75])
        XCTAssertEqual(m.rocAUC!, 2.75 / 3, accuracy: 1e-12)
        XCTAssertEqual(m.recall, (1 + 1 + 0.5) / 3, accuracy: 1e-12)
    }
}
