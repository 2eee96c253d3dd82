import Foundation
import NN
import TestSupport
import XCTest

/// `discern soup` end to end: two CNNs trained on the sample images with different seeds are averaged into a
/// checkpoint that evaluate loads; weights 1,0 give back the first model's predictions; other networks are refused.
final class SoupCommandTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-soup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func predictions(_ model: String) throws -> String {
        let csv = dir.appendingPathComponent(UUID().uuidString + ".csv").path
        let r = try runDiscern(["evaluate", "--model", model, "--data", sharedDataURL("cifake/sample").path, "--predictions", csv])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try String(contentsOfFile: csv, encoding: .utf8)
    }

    func testSoupOfTwoTrainedModels() throws {
        let sample = sharedDataURL("cifake/sample").path
        var members: [String] = []
        for seed in ["1", "2"] {
            let out = dir.appendingPathComponent("cnn\(seed)").path
            let t = try runDiscern(["train", "--model", "cnn-small", "--data", sample, "--val-fraction", "0.25", "--epochs", "1",
                                    "--batch", "16", "--seed", seed, "--split-seed", "1", "--out", out])
            XCTAssertEqual(t.status, 0, t.stderr)
            XCTAssertTrue(try String(contentsOfFile: out + "/config.json", encoding: .utf8).contains("\"split_seed\" : 1"))
            members.append(out + "/last.safetensors")
        }
        let soup = dir.appendingPathComponent("soup.safetensors").path
        let s = try runDiscern(["soup", "--model", members[0], "--model", members[1], "--out", soup])
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertTrue(s.stdout.contains("mean of 2 cnn-small checkpoints"), s.stdout)
        let a = try Safetensors.read(URL(fileURLWithPath: members[0])), b = try Safetensors.read(URL(fileURLWithPath: members[1]))
        let (tensors, metadata) = try Safetensors.read(URL(fileURLWithPath: soup))
        XCTAssertTrue(a.tensors.keys.contains { $0.hasPrefix("optimizer/") }, "last.safetensors carries optimizer state")
        XCTAssertEqual(Set(tensors.keys), Set(a.tensors.keys.filter { !$0.hasPrefix("optimizer/") }))
        var differing = 0
        for (name, t) in tensors {
            let x = a.tensors[name]!.scalars, y = b.tensors[name]!.scalars
            if x != y { differing += 1 }
            for (i, v) in t.scalars.enumerated() { XCTAssertEqual(v, Float((Double(x[i]) + Double(y[i])) / 2), name) }
        }
        XCTAssertGreaterThan(differing, 4, "the two seeds must give different weights")
        XCTAssertEqual(metadata["soup_of"], members.joined(separator: " "))
        for key in ["config", "epoch", "best_val_accuracy", "dropout_states"] {
            XCTAssertNotNil(a.metadata[key], key)
            XCTAssertNil(metadata[key], "\(key) describes one member's run")
        }
        XCTAssertEqual(metadata["architecture"], "cnn-small")
        // --split-seed 1 held out the same images in both runs, whatever --seed was.
        XCTAssertEqual(try String(contentsOfFile: dir.appendingPathComponent("cnn1/val.jsonl").path, encoding: .utf8),
                       try String(contentsOfFile: dir.appendingPathComponent("cnn2/val.jsonl").path, encoding: .utf8))
        XCTAssertNotEqual(try predictions(soup), try predictions(members[0]))

        let first = dir.appendingPathComponent("first.safetensors").path
        XCTAssertEqual(try runDiscern(["soup", "--model", members[0], "--model", members[1], "--weights", "1,0", "--out", first]).status, 0)
        XCTAssertEqual(try predictions(first), try predictions(members[0]))
    }

    func testRefusalsAreOneLineAndWriteNothing() throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/discern/Resources/default-detector-small.safetensors").path
        let t = try runDiscern(["train", "--model", "cnn-small", "--data", sharedDataURL("cifake/sample").path, "--val-fraction", "0.25",
                                "--epochs", "1", "--batch", "16", "--out", dir.appendingPathComponent("cnn").path])
        XCTAssertEqual(t.status, 0, t.stderr)
        let cnn = dir.appendingPathComponent("cnn/best.safetensors").path
        let out = dir.appendingPathComponent("x.safetensors").path
        let cases: [([String], String)] = [
            (["--model", shipped, "--model", cnn], "architecture is 'cnn-small', the first checkpoint's is 'effnet-lite0': the checkpoints must be the same network"),
            (["--model", cnn], "at least two --model"),
            (["--model", cnn, "--model", dir.appendingPathComponent("nope.safetensors").path], "nope.safetensors: no such checkpoint"),
            (["--model", cnn, "--model", cnn, "--weights", "1,x"], "is not a list of numbers"),
            (["--model", cnn, "--model", cnn, "--weights", "1"], "--weights has 1 numbers for 2"),
            (["--model", cnn, "--model", cnn, "--weights", "1,,1"], "is not a list of numbers"),
            (["--model", cnn, "--model", cnn, "--weights", "1,inf"], "is not a list of numbers"),
            (["--model", cnn, "--model", cnn, "--weights", "0,0"], "positive sum"),
        ]
        for (arguments, message) in cases {
            let r = try runDiscern(["soup"] + arguments + ["--out", out])
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)")
            // The error is one line; ArgumentParser's usage line and the --help hint follow it.
            XCTAssertTrue(r.stderr.split(separator: "\n").first?.contains(message) == true, "\(arguments): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
    }
}
