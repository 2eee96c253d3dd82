import ClassifierMetrics
import Data
import Foundation
import Imaging
import Reports
import TestSupport
import XCTest

/// The evaluation report on the 64 sample images with known probabilities: every figure written as PNG and SVG,
/// the contact sheets, and a self-contained report.html whose tables carry the metrics and whose figures are
/// embedded (no file links), with names escaped.
final class EvaluationReportTests: XCTestCase {
    func testReportHasEveryFigureAndTheMetrics() throws {
        let dataset = try DecodedDataset.load(DatasetSource(paths: [sharedDataURL("cifake/sample").path]), size: 32)
        XCTAssertEqual(dataset.count, 64)
        // Right on all but the first two images of each class, each wrong with p = 0.9 of the other class.
        var seen = [0, 0]
        let probabilities = dataset.labels.map { label -> [Double] in
            seen[label] += 1
            let right = seen[label] > 2
            let pFake = (label == 1) == right ? 0.9 : 0.1
            return [1 - pFake, pFake]
        }
        let metrics = ClassificationMetrics(labels: dataset.labels, probabilities: probabilities)
        XCTAssertEqual(metrics.accuracy, 60.0 / 64.0, accuracy: 1e-12)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = EvaluationReport(modelPath: "m<1>.safetensors", dataDescription: "sample", classes: dataset.classes.names, metrics: metrics,
                                      probabilities: probabilities, dataset: dataset, accuracyCI: 0.85...0.98, aucCI: nil,
                                      robustness: [("jpeg:60", 0.9, 0.95, 0.0375)], calibration: [("temperature", "1.0000")])
        let files = try report.write(to: dir)
        for name in ["roc", "pr", "reliability", "confusion"] {
            XCTAssertTrue(files.contains("\(name).png") && files.contains("\(name).svg"), name)
            XCTAssertGreaterThan(try ImageDecoder.read(dir.appendingPathComponent("\(name).png")).width, 100, name)
        }
        XCTAssertTrue(files.contains { $0.hasPrefix("most_confident_") }, "\(files)")
        XCTAssertEqual(files.last, "report.html")
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("0.9375 (95 % CI 0.8500–0.9800)"), "accuracy row")
        XCTAssertTrue(html.contains("<td>jpeg:60</td><td>0.9000</td><td>0.9500</td><td>3.75</td>"), "robustness row")
        XCTAssertTrue(html.contains("m&lt;1>.safetensors"), "names are escaped")
        XCTAssertEqual(html.components(separatedBy: "src=\"data:image/png;base64,").count - 1, files.filter { $0.hasSuffix(".png") }.count,
                       "every PNG embedded")
        XCTAssertFalse(html.contains("src=\"roc.png\""), "no links to files beside it")
    }
}
