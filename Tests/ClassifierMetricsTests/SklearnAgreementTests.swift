import ClassifierMetrics
import Foundation
import XCTest

/// Our metrics on stored predictions equal scikit-learn's on the same numbers to 1e-6
/// (fixtures by `scripts/make_sklearn_fixtures.py`; the binary case is the shipped `cnn` on all 8,000
/// images of `shared/data/cifake/test.tar.gz`).
final class SklearnAgreementTests: XCTestCase {
    private let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/sklearn")

    private func load(_ name: String) throws -> (labels: [Int], probabilities: [[Double]]) {
        let lines = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").dropFirst()
        var labels: [Int] = [], probs: [[Double]] = []
        for line in lines {
            let f = line.split(separator: ",")
            labels.append(Int(f[0])!)
            let v = f.dropFirst().map { Double($0)! }
            probs.append(v.count == 1 ? [1 - v[0], v[0]] : v)
        }
        return (labels, probs)
    }

    private func expected() throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as? [String: Any])
    }

    private func check(_ scores: ClassificationMetrics.ClassScores, _ e: Any?, _ what: String) throws {
        let d = try XCTUnwrap(e as? [String: Double], what)
        XCTAssertEqual(scores.precision, d["precision"]!, accuracy: 1e-6, what)
        XCTAssertEqual(scores.recall, d["recall"]!, accuracy: 1e-6, what)
        XCTAssertEqual(scores.f1, d["f1-score"]!, accuracy: 1e-6, what)
        XCTAssertEqual(Double(scores.support), d["support"]!, what)
    }

    func testBinaryMetricsOnTheTestSplit() throws {
        let (labels, probs) = try load("binary_predictions.csv")
        let e = try XCTUnwrap(try expected()["binary"] as? [String: Any])
        let m = ClassificationMetrics(labels: labels, probabilities: probs, loss: ScoreStatistics.logLoss(labels: labels, probabilities: probs))
        XCTAssertEqual(m.n, 8000)
        for (name, ours) in [("accuracy", m.accuracy), ("precision", m.precision), ("recall", m.recall), ("f1", m.f1),
                             ("roc_auc", m.rocAUC!), ("average_precision", m.averagePrecision!), ("brier", m.brier),
                             ("log_loss", m.loss!), ("ece", m.ece)] {
            XCTAssertEqual(ours, try XCTUnwrap(e[name] as? Double), accuracy: 1e-6, name)
        }
        XCTAssertEqual(m.confusion, e["confusion"] as? [[Int]])
        // REAL against the rest ranks by p_real = 1 - p_fake: the same AUC as FAKE's, and so are the means.
        for auc in [m.perClass[0].rocAUC, m.perClass[1].rocAUC, m.macro.rocAUC, m.weighted.rocAUC] {
            XCTAssertEqual(try XCTUnwrap(auc), e["roc_auc"] as! Double, accuracy: 1e-6)
        }
        try check(m.macro, e["macro"], "macro")
        try check(m.weighted, e["weighted"], "weighted")
        for c in 0..<2 { try check(m.perClass[c], (e["per_class"] as? [Any])?[c], "class \(c)") }
        let curves = BinaryCurves(labels: labels, scores: probs.map { $0[1] })
        XCTAssertEqual(curves.roc.count, e["roc_points"] as? Int, "one ROC point per distinct threshold, plus the origin")
    }

    func testMulticlassMetrics() throws {
        let (labels, probs) = try load("multiclass_predictions.csv")
        let e = try XCTUnwrap(try expected()["multiclass"] as? [String: Any])
        let m = ClassificationMetrics(labels: labels, probabilities: probs, loss: ScoreStatistics.logLoss(labels: labels, probabilities: probs))
        XCTAssertEqual(m.accuracy, e["accuracy"] as! Double, accuracy: 1e-6)
        XCTAssertEqual(m.ece, e["ece"] as! Double, accuracy: 1e-6)
        XCTAssertEqual(m.loss!, e["log_loss"] as! Double, accuracy: 1e-6)
        XCTAssertEqual(m.confusion, e["confusion"] as? [[Int]])
        try check(m.macro, e["macro"], "macro")
        try check(m.weighted, e["weighted"], "weighted")
        for c in 0..<3 { try check(m.perClass[c], (e["per_class"] as? [Any])?[c], "class \(c)") }
        // ROC-AUC of each class against the rest, and scikit-learn's multi_class="ovr" macro and weighted means.
        let perClassAUC = try XCTUnwrap(e["roc_auc_per_class"] as? [Double])
        for c in 0..<3 { XCTAssertEqual(try XCTUnwrap(m.perClass[c].rocAUC), perClassAUC[c], accuracy: 1e-9, "class \(c)") }
        XCTAssertEqual(try XCTUnwrap(m.rocAUC), e["roc_auc_ovr_macro"] as! Double, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(m.macro.rocAUC), e["roc_auc_ovr_macro"] as! Double, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(m.weighted.rocAUC), e["roc_auc_ovr_weighted"] as! Double, accuracy: 1e-9)
        // Without images of one class, that class's one-against-the-rest AUC and the mean are undefined, not 0.
        let some = zip(labels, probs).filter { $0.0 != 2 }
        let partial = ClassificationMetrics(labels: some.map(\.0), probabilities: some.map(\.1))
        XCTAssertNil(partial.perClass[2].rocAUC)
        XCTAssertNotNil(partial.perClass[0].rocAUC)
        XCTAssertNil(partial.rocAUC)
        XCTAssertNil(partial.macro.rocAUC)
    }

    func testBootstrapIntervalsContainThePointEstimate() throws {
        let (labels, probs) = try load("binary_predictions.csv")
        let m = ClassificationMetrics(labels: labels, probabilities: probs)
        let ci = ScoreStatistics.bootstrap(labels: labels, probabilities: probs, resamples: 200, seed: 1)
        XCTAssertTrue(ci.accuracy.contains(m.accuracy))
        XCTAssertTrue(ci.auc!.contains(m.rocAUC!))
        XCTAssertLessThan(ci.accuracy.upperBound - ci.accuracy.lowerBound, 0.02, "8,000 images give a narrow interval")
        XCTAssertEqual(ci.accuracy, ScoreStatistics.bootstrap(labels: labels, probabilities: probs, resamples: 200, seed: 1).accuracy, "seeded")
    }
}
