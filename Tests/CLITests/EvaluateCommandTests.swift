import Foundation
import NN
import TestSupport
import XCTest

/// `discern evaluate` and `discern calibrate` end to end on the sample images with the shipped model.
final class EvaluateCommandTests: XCTestCase {
    private var shipped: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/discern/Resources/default-detector.safetensors").path
    }

    func testJSONReportFiguresAndRobustness() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try runDiscern(["evaluate", "--model", shipped, "--data", sharedDataURL("cifake/sample").path, "--format", "json",
                                "--out", dir.path, "--perturb", "jpeg:60", "resize:128"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for key in ["accuracy", "precision", "recall", "f1", "roc_auc", "average_precision", "ece", "confusion", "n", "brier", "accuracy_ci", "macro", "weighted"] {
            XCTAssertNotNil(j[key], key)
        }
        XCTAssertEqual(j["n"] as? Int, 64)
        XCTAssertEqual((j["robustness"] as? [[String: Any]])?.map { $0["perturbation"] as? String }, ["jpeg:60", "resize:128"])
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        for f in ["roc.png", "roc.svg", "pr.png", "pr.svg", "reliability.png", "reliability.svg", "confusion.png", "confusion.svg",
                  "misclassified.png", "most_confident_REAL.png", "least_confident_FAKE.png", "report.html"] {
            XCTAssertTrue(files.contains(f), f)
        }
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("data:image/png;base64,"), "images embedded")
        XCTAssertFalse(html.contains("src=\"roc.png\""), "self-contained")
        XCTAssertTrue(html.contains("macro avg") && html.contains("Robustness"))
    }

    func testCalibrateStoresTemperatureAndBandThatEvaluateUses() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("discern-cal-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: copy) }
        let c = try runDiscern(["calibrate", "--model", shipped, "--data", sharedDataURL("cifake/sample").path, "--out", copy.path])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertTrue(c.stdout.contains("temperature"), c.stdout)
        let r = try runDiscern(["evaluate", "--model", copy.path, "--data", sharedDataURL("cifake/sample").path, "--format", "json"])
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let t = try XCTUnwrap(j["temperature"] as? Double)
        XCTAssertNotEqual(t, 1)
        let share = try XCTUnwrap(j["unsure_share"] as? Double)
        XCTAssertLessThanOrEqual(share, 0.05 + 1e-9, "band fitted for at most 5 % unsure on the same images")
        XCTAssertNotNil(j["decided_accuracy"])
    }

    /// `calibrate --bn-recalibrate` on a patchgan trained without it: only the batch-norm statistics change (and the
    /// calibration metadata); a model without batch norm is refused in one line.
    func testCalibrateRecalibratesBatchNormStatistics() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-bncal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = sharedDataURL("cifake/sample").path
        let t = try runDiscern(["train", "--model", "patchgan", "--data", sample, "--val-fraction", "0.25", "--epochs", "1",
                                "--batch", "16", "--seed", "3", "--out", dir.path])
        XCTAssertEqual(t.status, 0, t.stderr)
        let before = dir.appendingPathComponent("best.safetensors"), after = dir.appendingPathComponent("bn.safetensors")
        let c = try runDiscern(["calibrate", "--model", before.path, "--data", sample, "--bn-recalibrate", "4", "--out", after.path])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertTrue(c.stdout.contains("re-estimated from 1 batch(es) of 64 images"), c.stdout)
        let a = try Safetensors.read(before).0.mapValues(\.scalars), b = try Safetensors.read(after).0.mapValues(\.scalars)
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        var changed: [String] = []
        for (k, v) in a where v != b[k] { changed.append(k) }
        XCTAssertEqual(changed.count, 8, "\(changed.sorted())")
        XCTAssertTrue(changed.allSatisfy { $0.hasSuffix("runningMean") || $0.hasSuffix("runningVar") }, "\(changed.sorted())")
        let cnn = try runDiscern(["train", "--model", "cnn-small", "--data", sample, "--val-fraction", "0.25", "--epochs", "1",
                                  "--batch", "16", "--out", dir.appendingPathComponent("cnn").path])
        XCTAssertEqual(cnn.status, 0, cnn.stderr)
        let r = try runDiscern(["calibrate", "--model", dir.appendingPathComponent("cnn/best.safetensors").path, "--data", sample,
                                "--bn-recalibrate", "1"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("no batch norm"), r.stderr)
    }

    func testSideBySideComparison() throws {
        let r = try runDiscern(["evaluate", "--model", shipped, "--model", shipped, "--data", sharedDataURL("cifake/sample").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").filter { $0.contains("default-detector") }.count, 2)
    }
}

/// A 3-class model end to end: train on three labelled folders, evaluate with figures.
final class MulticlassEvaluateTests: XCTestCase {
    func testThreeClassTrainEvaluateAndReport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-3class-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        // REAL, FAKE and a third class made of the REAL images mirrored (enough for the plumbing).
        let sample = sharedDataURL("cifake/sample")
        for label in ["REAL", "FAKE"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("data/\(label)"), withIntermediateDirectories: true)
            for f in try FileManager.default.contentsOfDirectory(atPath: sample.appendingPathComponent(label).path) {
                try FileManager.default.copyItem(at: sample.appendingPathComponent("\(label)/\(f)"), to: dir.appendingPathComponent("data/\(label)/\(f)"))
            }
        }
        try FileManager.default.copyItem(at: dir.appendingPathComponent("data/REAL"), to: dir.appendingPathComponent("data/GAN"))
        let run = dir.appendingPathComponent("run").path
        let t = try runDiscern(["train", "--model", "cnn-small", "--data", dir.appendingPathComponent("data").path, "--val-fraction", "0.25",
                                "--epochs", "2", "--batch", "16", "--out", run])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stdout.contains("classes REAL, FAKE, GAN"), t.stdout)
        let r = try runDiscern(["evaluate", "--model", run + "/best.safetensors", "--data", dir.appendingPathComponent("data").path,
                                "--format", "json", "--out", dir.appendingPathComponent("report").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((j["confusion"] as? [[Int]])?.count, 3)
        XCTAssertEqual((j["per_class"] as? [Any])?.count, 3)
        XCTAssertEqual(j["n"] as? Int, 96)
        XCTAssertNil(j["roc_auc"], "ROC-AUC is binary only")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("report").path)
        XCTAssertTrue(files.contains("report.html") && files.contains("confusion.png") && files.contains("most_confident_GAN.png"))
        // classify refuses a model that is not REAL/FAKE, with a clear message.
        let c = try runDiscern(["classify", sample.path, "--model", run + "/best.safetensors"])
        XCTAssertEqual(c.status, 2)
        XCTAssertTrue(c.stderr.contains("REAL/FAKE"), c.stderr)
    }
}
