import Foundation
import Models
import NN
import TestSupport
import XCTest

/// ImageNet transfer as a user runs it: `discern features` + `discern svm`, and `discern train --model
/// effnet-lite0 --pretrained` with a frozen backbone. Needs the converted weights (scripts/test.sh
/// fetches them; `DISCERN_EFFNET_WEIGHTS` points at the file).
final class TransferCommandTests: XCTestCase {
    private var dir: URL!
    private var weights: String!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-transfer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        weights = EfficientNetLite.defaultWeightsPath(environment: ProcessInfo.processInfo.environment)
        guard FileManager.default.fileExists(atPath: weights) else {
            XCTFail("EfficientNet-Lite0 weights missing at \(weights!): run scripts/weights/fetch_effnet_lite0.sh")
            throw CocoaError(.fileNoSuchFile)
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// `discern distance`: a set against itself is at distance ~0, REAL against FAKE is not; the JSON names the space;
    /// a set with one image is refused in one line.
    func testDistanceBetweenImageSets() throws {
        let real = sharedDataURL("cifake/sample/REAL").path, fake = sharedDataURL("cifake/sample/FAKE").path
        let same = try runDiscern(["distance", "--a", real, "--b", real, "--input-size", "32", "--format", "json"])
        XCTAssertEqual(same.status, 0, same.stderr)
        let s = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(same.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(s["metric"] as? String, "FD-effnet-lite0-imagenet-pool1280@32")
        XCTAssertEqual(s["score_name"] as? String, "IS-effnet-lite0-imagenet@32")
        XCTAssertEqual(s["n_a"] as? Int, 32)
        XCTAssertEqual(try XCTUnwrap(s["fd"] as? Double), 0, accuracy: 1e-3)
        XCTAssertEqual(try XCTUnwrap(s["score_a"] as? Double), try XCTUnwrap(s["score_b"] as? Double), accuracy: 1e-9)
        let apart = try runDiscern(["distance", "--a", real, "--b", fake, "--input-size", "32"])
        XCTAssertEqual(apart.status, 0, apart.stderr)
        let line = try XCTUnwrap(apart.stdout.split(separator: "\n").first)
        XCTAssertTrue(line.hasPrefix("FD-effnet-lite0-imagenet-pool1280@32 between a (32 images) and b (32 images): "), apart.stdout)
        XCTAssertGreaterThan(try XCTUnwrap(Double(line.split(separator: " ").last!)), 1)
        let one = dir.appendingPathComponent("one/REAL")
        try FileManager.default.createDirectory(at: one, withIntermediateDirectories: true)
        let first = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: real).sorted().first)
        try FileManager.default.copyItem(atPath: real + "/" + first, toPath: one.appendingPathComponent(first).path)
        let bad = try runDiscern(["distance", "--a", one.path, "--b", real, "--input-size", "32"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("set a has 1 readable images; need at least 2"), bad.stderr)
    }

    /// `--model effnet-lite2` extracts in Lite2's space and names it; a network without weights is refused in one line.
    func testFeaturesOfTheLargerLiteNetworks() throws {
        let lite2 = EfficientNetLite.defaultWeightsPath(.lite2, environment: ProcessInfo.processInfo.environment)
        guard FileManager.default.fileExists(atPath: lite2) else {
            return XCTFail("EfficientNet-Lite2 weights missing at \(lite2): run scripts/weights/fetch_effnet_lite.sh 2")
        }
        let out = dir.appendingPathComponent("lite2.safetensors").path
        let f = try runDiscern(["features", "--model", "effnet-lite2", "--data", sharedDataURL("cifake/sample").path, "--input-size", "32", "--out", out])
        XCTAssertEqual(f.status, 0, f.stderr)
        XCTAssertTrue(f.stdout.contains("[64, 1280]") && f.stdout.contains("space effnet-lite2-imagenet-pool1280@32"), f.stdout)
        XCTAssertEqual(try Safetensors.read(URL(fileURLWithPath: out)).1["space"], "effnet-lite2-imagenet-pool1280@32")
        let bad = try runDiscern(["features", "--model", "resnet", "--data", sharedDataURL("cifake/sample").path, "--out", out])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--model must be effnet-lite0, effnet-lite1 or effnet-lite2"), bad.stderr)
    }

    func testFeaturesThenLinearSVM() throws {
        let features = dir.appendingPathComponent("sample.features.safetensors").path
        let f = try runDiscern(["features", "--pretrained", weights, "--data", sharedDataURL("cifake/sample").path,
                                "--input-size", "32", "--out", features])
        XCTAssertEqual(f.status, 0, f.stderr)
        XCTAssertTrue(f.stdout.contains("64 images"), f.stdout)
        XCTAssertTrue(f.stdout.contains("[64, 1280]"), f.stdout)
        XCTAssertTrue(f.stdout.contains("effnet-lite0-imagenet-pool1280@32"), f.stdout)
        let (tensors, meta) = try Safetensors.read(URL(fileURLWithPath: features))
        XCTAssertEqual(tensors["features"]?.shape, [64, 1280])
        XCTAssertEqual(meta["classes"], "REAL,FAKE")
        // ReLU6 features, pooled: every value within 0...6, and not all equal.
        let values = try XCTUnwrap(tensors["features"]).scalars
        XCTAssertTrue(values.allSatisfy { $0 >= 0 && $0 <= 6 })
        XCTAssertGreaterThan(Set(values.prefix(1280)).count, 20)

        let svm = dir.appendingPathComponent("svm.safetensors").path
        let t = try runDiscern(["svm", "train", "--features", features, "--c", "1", "--out", svm])
        XCTAssertEqual(t.status, 0, t.stderr)
        // 64 points in 1280 dimensions are linearly separable: the training fit is perfect.
        XCTAssertTrue(t.stdout.contains("training accuracy 100.00 %"), t.stdout)
        let json = dir.appendingPathComponent("report.json").path
        let e = try runDiscern(["svm", "eval", "--model", svm, "--features", features, "--json", json])
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertTrue(e.stdout.contains("accuracy 1.0000"), e.stdout)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        XCTAssertEqual(report["n"] as? Int, 64)
    }

    func testSVMRefusesAnotherFeatureSpace() throws {
        let a = dir.appendingPathComponent("a.safetensors").path, b = dir.appendingPathComponent("b.safetensors").path
        for (path, size) in [(a, "32"), (b, "48")] {
            let r = try runDiscern(["features", "--pretrained", weights, "--data", sharedDataURL("cifake/sample").path, "--input-size", size, "--out", path])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let svm = dir.appendingPathComponent("svm.safetensors").path
        XCTAssertEqual(try runDiscern(["svm", "train", "--features", a, "--out", svm]).status, 0)
        let e = try runDiscern(["svm", "eval", "--model", svm, "--features", b])
        XCTAssertNotEqual(e.status, 0)
        XCTAssertTrue(e.stderr.contains("feature spaces differ"), e.stderr)
    }

    func testFrozenBackboneTrainsOnlyTheHead() throws {
        let run = dir.appendingPathComponent("run").path
        let r = try runDiscern(["train", "--model", "effnet-lite0", "--pretrained", weights, "--freeze-backbone", "--input-size", "32",
                                "--data", sharedDataURL("cifake/sample").path, "--val-fraction", "0.25", "--epochs", "1", "--batch", "16",
                                "--optimizer", "adamw", "--lr", "1e-3", "--seed", "3", "--out", run])
        XCTAssertEqual(r.status, 0, r.stderr)
        let (trained, _) = try Safetensors.read(URL(fileURLWithPath: run).appendingPathComponent("last.safetensors"))
        let (imagenet, _) = try Safetensors.read(URL(fileURLWithPath: weights))
        // Backbone weights and batch-norm statistics are the ImageNet ones, bit for bit (layouts converted).
        XCTAssertEqual(try XCTUnwrap(trained["bn1.runningMean"]).scalars, try XCTUnwrap(imagenet["_bn1.running_mean"]).scalars)
        XCTAssertEqual(try XCTUnwrap(trained["blocks.15.bn2.weight"]).scalars, try XCTUnwrap(imagenet["_blocks.15._bn2.weight"]).scalars)
        let head = try XCTUnwrap(trained["convHead.weight"])  // [1, 1, 320, 1280] from torch's [1280, 320, 1, 1]
        let torchHead = try XCTUnwrap(imagenet["_conv_head.weight"])
        XCTAssertEqual(head.pointer[5 * 1280 + 7], torchHead.pointer[7 * 320 + 5])
        // The dense head moved away from its initialisation: the optimizer state exists for it and only for it.
        let optimizerKeys = trained.keys.filter { $0.hasPrefix("optimizer/") && $0.contains("exp_avg/") }
        XCTAssertEqual(Set(optimizerKeys.map { String($0.split(separator: "/").last!) }), ["fc.weight", "fc.bias"])
    }

    func testPretrainedWeightsOnlyForEffnet() throws {
        let r = try runDiscern(["train", "--model", "resnet", "--pretrained", weights, "--data", sharedDataURL("cifake/sample").path,
                                "--out", dir.appendingPathComponent("x").path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("pretrained weights exist only for the effnet-lite models"), r.stderr)
    }
}
