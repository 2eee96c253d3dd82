import Foundation
import Inference
import NN
import TestSupport
import XCTest

/// `discern evaluate` and `discern calibrate` end to end on the sample images with the shipped CIFAKE model (the small-image
/// half of the default router, a whole-image model).
final class EvaluateCommandTests: XCTestCase {
    private var shipped: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/discern/Resources/default-detector-small.safetensors").path
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

    /// A patch model (train --native-size) is evaluated at native resolution through its patch plan, as classify
    /// scores it; robustness perturbations apply to the native images.
    func testPatchModelTrainsEvaluatesAndClassifiesOnNativePatches() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-patch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try runDiscern(["train", "--model", "cnn-small", "--data", sharedDataURL("cifake/sample").path, "--val-fraction", "0.25",
                                "--epochs", "1", "--batch", "16", "--input-size", "32", "--native-size", "48", "--out", dir.path])
        XCTAssertEqual(t.status, 0, t.stderr)
        let ckpt = dir.appendingPathComponent("best.safetensors")
        let meta = try Safetensors.read(ckpt).1
        XCTAssertEqual(meta["input_mode"], "patches")
        XCTAssertEqual(meta["native_size"], "48")
        let val = sharedDataURL("wild/val.tar.gz").path, csv = dir.appendingPathComponent("p.csv")
        let e = try runDiscern(["evaluate", "--model", ckpt.path, "--data", val, "--format", "json", "--predictions", csv.path,
                                "--perturb", "jpeg:60"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(j["n"] as? Int, 247)
        XCTAssertEqual((j["robustness"] as? [[String: Any]])?.map { $0["perturbation"] as? String }, ["jpeg:60"])
        // Verdict flips bound the accuracy change: every image that changes correctness changed class.
        let sweep = try XCTUnwrap((j["robustness"] as? [[String: Any]])?.first)
        let flipped = try XCTUnwrap(sweep["flipped"] as? Double), drop = try XCTUnwrap(sweep["accuracy_drop"] as? Double)
        XCTAssertTrue((0...1).contains(flipped))
        XCTAssertLessThanOrEqual(abs(drop), flipped + 1e-12)
        // classify scores the same images the same way (384 x 384 crops: a 12 x 12 grid of 32-px patches, capped to 64).
        let c = try runDiscern(["classify", val, "--model", ckpt.path, "--format", "json"])
        XCTAssertEqual(c.status, 0, c.stderr)
        var classified: [String: Double] = [:]
        for line in c.stdout.split(separator: "\n") {
            let row = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            classified[row["path"] as? String ?? ""] = row["p_fake"] as? Double
        }
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(lines.count, 247)
        for line in lines {
            let fields = line.split(separator: ",")
            let path = String(fields[0]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let p = try XCTUnwrap(Double(fields[3]))
            XCTAssertEqual(try XCTUnwrap(classified[path], path), p, accuracy: 1e-5, path)
        }
        // top-k over every patch is the mean logit; another k is another answer; a bad rule is refused in one line.
        func loss(_ rule: String) throws -> Double {
            let r = try runDiscern(["evaluate", "--model", ckpt.path, "--data", val, "--format", "json", "--patch-aggregation", rule])
            XCTAssertEqual(r.status, 0, r.stderr)
            return try XCTUnwrap((JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["loss"] as? Double)
        }
        XCTAssertEqual(try loss("top-k:1"), try XCTUnwrap(j["loss"] as? Double), accuracy: 1e-9)
        XCTAssertNotEqual(try loss("top-k:0.25"), try XCTUnwrap(j["loss"] as? Double), accuracy: 1e-9)
        let bad = try runDiscern(["evaluate", "--model", ckpt.path, "--data", val, "--patch-aggregation", "median"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--patch-aggregation"), bad.stderr)
        let tta = try runDiscern(["evaluate", "--model", ckpt.path, "--data", val, "--tta", "hflip"])
        XCTAssertNotEqual(tta.status, 0)
        XCTAssertTrue(tta.stderr.contains("patch model"), tta.stderr)
    }

    /// A patch model calibrated on native images, joined by `discern route` with a whole-image model for small images:
    /// evaluate and classify send CIFAKE's 32x32 images to the small model and the 384x384 wild crops to the patch model.
    func testCalibratedPatchModelAndSizeRouter() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-router-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = sharedDataURL("cifake/sample").path, val = sharedDataURL("wild/val.tar.gz").path
        for (name, extra) in [("patch", ["--native-size", "48"]), ("whole", [])] {
            let t = try runDiscern(["train", "--model", "cnn-small", "--data", sample, "--val-fraction", "0.25", "--epochs", "1",
                                    "--batch", "16", "--input-size", "32", "--out", dir.appendingPathComponent(name).path] + extra)
            XCTAssertEqual(t.status, 0, t.stderr)
        }
        let patch = dir.appendingPathComponent("patch/best.safetensors").path, whole = dir.appendingPathComponent("whole/best.safetensors").path
        let calibrated = dir.appendingPathComponent("patch-calibrated.safetensors").path
        let c = try runDiscern(["calibrate", "--model", patch, "--data", val, "--out", calibrated])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertTrue(c.stdout.hasPrefix("247 held-out images: temperature"), c.stdout)
        let meta = try Safetensors.read(URL(fileURLWithPath: calibrated)).1
        XCTAssertNotNil(meta["unsure_band"])
        XCTAssertEqual(meta["input_mode"], "patches")
        // After calibration, evaluate's ECE before -> after shows the patch model's own figures (the temperature undone).
        let e1 = try runDiscern(["evaluate", "--model", calibrated, "--data", val, "--format", "json"])
        let j1 = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(e1.stdout.utf8)) as? [String: Any])
        XCTAssertLessThanOrEqual(try XCTUnwrap(j1["unsure_share"] as? Double), 0.05 + 1e-9)
        XCTAssertNotEqual(try XCTUnwrap(j1["ece_uncalibrated"] as? Double), try XCTUnwrap(j1["ece"] as? Double), accuracy: 1e-9)

        let router = dir.appendingPathComponent("out/router.safetensors").path
        let r = try runDiscern(["route", "--large", calibrated, "--small", whole, "--small-max-side", "64", "--out", router])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/router-small.safetensors").path))
        let e = try runDiscern(["evaluate", "--model", router, "--data", sample, val, "--format", "json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(j["n"] as? Int, 64 + 247)
        XCTAssertEqual((j["router"] as? [String: Int])?["small_input_images"], 64)
        // The routed evaluation of the small images equals the small model's own evaluation of them.
        func loss(_ model: String, _ data: String) throws -> Double {
            let r = try runDiscern(["evaluate", "--model", model, "--data", data, "--format", "json"])
            return try XCTUnwrap((JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["loss"] as? Double)
        }
        XCTAssertEqual(try loss(router, sample), try loss(whole, sample), accuracy: 1e-6)
        XCTAssertEqual(try loss(router, val), try loss(calibrated, val), accuracy: 1e-6)
        let cl = try runDiscern(["classify", sample + "/REAL/0084_5.jpg", "--model", router, "--format", "json"])
        XCTAssertTrue(cl.stdout.contains("discern:router"), cl.stdout)
        let bad = try runDiscern(["route", "--large", router, "--small", router, "--out", dir.appendingPathComponent("x.safetensors").path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("itself a router"), bad.stderr)
    }

    /// `discern familiarity` on an EfficientNet-Lite patch model: the measure is stored, reported by evaluate, used by
    /// classify (evidence, and UNSURE beyond the threshold), kept by route and left out by export.
    func testFamiliarityMeasureEndToEnd() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-familiarity-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = sharedDataURL("cifake/sample").path
        let t = try runDiscern(["train", "--model", "effnet-lite0", "--data", sample, "--val-fraction", "0.25", "--epochs", "1",
                                "--batch", "16", "--input-size", "32", "--native-size", "32", "--out", dir.appendingPathComponent("run").path])
        XCTAssertEqual(t.status, 0, t.stderr)
        let model = dir.appendingPathComponent("run/best.safetensors").path, measured = dir.appendingPathComponent("measured.safetensors").path
        let f = try runDiscern(["familiarity", "--model", model, "--reference", sample + "/REAL", "--held-out", sample + "/FAKE",
                                "--k", "1", "--max-share", "0.25", "--check", sample, "--out", measured])
        XCTAssertEqual(f.status, 0, f.stderr)
        XCTAssertTrue(f.stdout.contains("reference 32 images, held out 32: threshold"), f.stdout)
        XCTAssertTrue(f.stdout.contains("held out: 8 of 32 unfamiliar (25.0 %)"), f.stdout)
        XCTAssertTrue(f.stdout.contains("\(sample): ") && f.stdout.contains(" of 64 unfamiliar"), f.stdout)
        let (tensors, meta) = try Safetensors.read(URL(fileURLWithPath: measured))
        XCTAssertEqual(tensors[Familiarity.tensorName]?.shape, [32, 1280])
        XCTAssertEqual(meta["familiarity_k"], "1")

        let e = try runDiscern(["evaluate", "--model", measured, "--data", sample, "--format", "json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
        let unfamiliar = try XCTUnwrap(j["unfamiliar_share"] as? Double)
        XCTAssertGreaterThan(unfamiliar, 0, "a quarter of the FAKE half is beyond the threshold")
        XCTAssertLessThanOrEqual(unfamiliar, 0.125 + 1e-9, "at most 8 of the 64 images (the REAL half is the reference, each at distance 0 with k 1)")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(j["unsure_share"] as? Double), unfamiliar)

        let c = try runDiscern(["classify", sample + "/FAKE", "--model", measured, "--format", "json"])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertEqual(c.stdout.components(separatedBy: "discern:familiarity").count - 1, 32, "every image gets its distance")
        XCTAssertTrue(c.stdout.contains("unfamiliar: far from every image"), "the 8 held-out images beyond the threshold are UNSURE")

        let router = dir.appendingPathComponent("router.safetensors").path
        let r = try runDiscern(["route", "--large", measured, "--small", shipped, "--small-max-side", "16", "--out", router])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertNotNil(try Safetensors.read(URL(fileURLWithPath: router)).tensors[Familiarity.tensorName], "route keeps the measure")
        let x = try runDiscern(["export", "--model", router, "--format", "safetensors", "--out", dir.appendingPathComponent("x.safetensors").path])
        XCTAssertEqual(x.status, 0, x.stderr)
        XCTAssertTrue(x.stdout.contains("familiarity reference"), x.stdout)
        let exported = try Safetensors.read(dir.appendingPathComponent("x.safetensors"))
        XCTAssertNil(exported.tensors[Familiarity.tensorName])
        XCTAssertNil(exported.metadata["familiarity_threshold"])
        let bad = try runDiscern(["familiarity", "--model", shipped, "--reference", sample, "--held-out", sample])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("needs a patch model"), bad.stderr)
    }

    func testSideBySideComparison() throws {
        let r = try runDiscern(["evaluate", "--model", shipped, "--model", shipped, "--data", sharedDataURL("cifake/sample").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").filter { $0.contains("default-detector") }.count, 2)
    }

    /// `--ensemble` scores the mean of the members' probabilities, here of the 64x64 default and a 32x32 CNN (each
    /// fed the images at its own size): the ensemble row's accuracy and log-loss equal those recomputed from the two
    /// models' own per-image probabilities.
    func testEnsembleAveragesMembersAcrossInputSizes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-ens-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = sharedDataURL("cifake/sample").path
        let t = try runDiscern(["train", "--model", "cnn-small", "--data", sample, "--val-fraction", "0.25", "--epochs", "2",
                                "--batch", "16", "--seed", "5", "--out", dir.appendingPathComponent("cnn").path])
        XCTAssertEqual(t.status, 0, t.stderr)
        let cnn = dir.appendingPathComponent("cnn/best.safetensors").path
        var columns: [[String: (Int, Double)]] = []
        for (i, m) in [shipped, cnn].enumerated() {
            let csv = dir.appendingPathComponent("p\(i).csv").path
            XCTAssertEqual(try runDiscern(["evaluate", "--model", m, "--data", sample, "--predictions", csv]).status, 0)
            var byPath: [String: (Int, Double)] = [:]
            for line in try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst() {
                let f = line.split(separator: ",")
                byPath[String(f[0])] = (f[1] == "FAKE" ? 1 : 0, try XCTUnwrap(Double(f[3]), String(line)))
            }
            columns.append(byPath)
        }
        XCTAssertEqual(columns[0].count, 64)
        var correct = 0, nll = 0.0
        for (path, (label, p0)) in columns[0] {
            let p = (p0 + columns[1][path]!.1) / 2
            if (p >= 0.5 ? 1 : 0) == label { correct += 1 }
            nll -= log(max(label == 1 ? p : 1 - p, 1e-12))
        }
        let r = try runDiscern(["evaluate", "--model", shipped, "--model", cnn, "--ensemble", "--data", sample, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, r.stdout)
        let e = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])
        XCTAssertEqual(e["model"] as? String, "ensemble (mean of 2)")
        XCTAssertEqual(e["members"] as? [String], [shipped, cnn])
        XCTAssertEqual(try XCTUnwrap(e["accuracy"] as? Double), Double(correct) / 64, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(e["loss"] as? Double), nll / 64, accuracy: 1e-4)
        XCTAssertEqual((e["accuracy_ci"] as? [Double])?.count, 2)
        let one = try runDiscern(["evaluate", "--model", shipped, "--ensemble", "--data", sample])
        XCTAssertNotEqual(one.status, 0)
        XCTAssertTrue(one.stderr.contains("--ensemble needs at least two"), one.stderr)
    }

    /// `--ensemble --perturb --tta hflip`: the sweep scores the ensemble (reported on its row, not the first model's),
    /// and an ensemble of one model twice degrades exactly as that model alone does.
    func testEnsembleRobustnessSweepWithTestTimeAugmentation() throws {
        let sample = sharedDataURL("cifake/sample").path
        let args = ["--data", sample, "--tta", "hflip", "--perturb", "jpeg:40", "resize:16", "--format", "json"]
        let single = try runDiscern(["evaluate", "--model", shipped] + args)
        XCTAssertEqual(single.status, 0, single.stderr)
        let s = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(s["tta"] as? String, "hflip")
        let r = try runDiscern(["evaluate", "--model", shipped, "--model", shipped, "--ensemble"] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try r.stdout.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(rows.count, 3, r.stdout)
        XCTAssertNil(rows[0]["robustness"])
        let sweep = try XCTUnwrap(rows[2]["robustness"] as? [[String: Any]])
        let alone = try XCTUnwrap(s["robustness"] as? [[String: Any]])
        XCTAssertEqual(sweep.map { $0["perturbation"] as? String }, ["jpeg:40", "resize:16"])
        for (e, a) in zip(sweep, alone) {
            XCTAssertEqual(try XCTUnwrap(e["accuracy"] as? Double), try XCTUnwrap(a["accuracy"] as? Double), accuracy: 1e-12)
            XCTAssertEqual(try XCTUnwrap(e["roc_auc"] as? Double), try XCTUnwrap(a["roc_auc"] as? Double), accuracy: 1e-9)
        }
        XCTAssertEqual(try XCTUnwrap(rows[2]["accuracy"] as? Double), try XCTUnwrap(s["accuracy"] as? Double), accuracy: 1e-12)
        let bad = try runDiscern(["evaluate", "--model", shipped, "--data", sample, "--tta", "rot90"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--tta"), bad.stderr)
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
        // ROC-AUC of each class against the rest, and their mean as the model's.
        let perClassAUC = try ((j["per_class"] as? [[String: Any]]) ?? []).map { try XCTUnwrap($0["roc_auc"] as? Double) }
        XCTAssertEqual(perClassAUC.count, 3)
        XCTAssertEqual(try XCTUnwrap(j["roc_auc"] as? Double), perClassAUC.reduce(0, +) / 3, accuracy: 1e-9)
        let table = try runDiscern(["evaluate", "--model", run + "/best.safetensors", "--data", dir.appendingPathComponent("data").path])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertFalse(table.stdout.contains("nan"), table.stdout)
        XCTAssertTrue(table.stdout.contains("ROC-AUC: each class's probability ranks that class against the rest"), table.stdout)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("report").path)
        XCTAssertTrue(files.contains("report.html") && files.contains("confusion.png") && files.contains("most_confident_GAN.png")
                      && files.contains("roc.png"), "\(files)")
        // classify takes the 3-class model: the likeliest class, and every class's probability instead of p_fake.
        let c = try runDiscern(["classify", dir.appendingPathComponent("data").path, "--model", run + "/best.safetensors", "--format", "json"])
        XCTAssertEqual(c.status, 0, c.stderr)
        let answers = try c.stdout.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(answers.count, 96)
        var verdicts: [String: Int] = [:]
        for a in answers {
            let p = try XCTUnwrap(a["probabilities"] as? [String: Double], "\(a)")
            XCTAssertEqual(Set(p.keys), ["REAL", "FAKE", "GAN"])
            XCTAssertEqual(p.values.reduce(0, +), 1, accuracy: 1e-6)
            XCTAssertEqual(a["verdict"] as? String, p.max { $0.value < $1.value }!.key)
            XCTAssertNil(a["p_fake"])
            verdicts[a["verdict"] as! String, default: 0] += 1
        }
        let counts = ["FAKE", "REAL", "GAN"].map { "\(verdicts[$0] ?? 0) \($0)" }.joined(separator: ", ")
        XCTAssertTrue(c.stderr.contains("96 classified: \(counts), 0 UNSURE; 0 unreadable"), c.stderr)
        let csv = try runDiscern(["classify", sample.appendingPathComponent("REAL").path, "--model", run + "/best.safetensors", "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertTrue(csv.stdout.hasPrefix("path,verdict,p_real,p_fake,p_gan,reason,evidence\n"), csv.stdout)
        XCTAssertEqual(csv.stdout.split(separator: "\n").count, 33)
        let classified = try runDiscern(["classify", sample.appendingPathComponent("REAL/0084_5.jpg").path, "--model", run + "/best.safetensors"])
        XCTAssertEqual(classified.status, 0, classified.stderr)
        let lines = classified.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("VERDICT  P_REAL  P_FAKE  P_GAN   PATH"), lines[0])
        // Each probability sits under its header.
        let row = lines[1], header = lines[0]
        for name in ["P_REAL", "P_FAKE", "P_GAN"] {
            let at = header.distance(from: header.startIndex, to: header.range(of: name)!.lowerBound)
            let cell = row.dropFirst(at).prefix(6)
            XCTAssertNotNil(Double(cell), "\(name): '\(cell)' in\n\(classified.stdout)")
        }
        // Two classes other than REAL/FAKE (here REAL/GAN): no p_fake to give and no band to trust, so classify refuses.
        let pair = dir.appendingPathComponent("pair")
        for label in ["REAL", "GAN"] {
            try FileManager.default.createDirectory(at: pair, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: dir.appendingPathComponent("data/\(label)"), to: pair.appendingPathComponent(label))
        }
        let pairRun = dir.appendingPathComponent("pair-run").path
        let pt = try runDiscern(["train", "--model", "cnn-small", "--data", pair.path, "--val-fraction", "0.25", "--epochs", "1", "--batch", "16", "--out", pairRun])
        XCTAssertEqual(pt.status, 0, pt.stderr)
        let refused = try runDiscern(["classify", sample.path, "--model", pairRun + "/best.safetensors"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("a detector needs a REAL/FAKE model, or one with more classes"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("this one has classes "), refused.stderr)
        // serve stays REAL/FAKE only, and says so.
        let s = try runDiscern(["serve", "--model", run + "/best.safetensors", "--port", "0"], timeout: 60)
        XCTAssertEqual(s.status, 2)
        XCTAssertTrue(s.stderr.contains("serve needs a REAL/FAKE model; this one has classes REAL, FAKE, GAN"), s.stderr)
    }
}
