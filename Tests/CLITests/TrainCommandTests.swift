import Foundation
import TestSupport
import XCTest

/// `discern train` as a user runs it: YAML config with flag overrides, SIGTERM, kill -9, resume.
final class TrainCommandTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-traincli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testYAMLConfigWithFlagOverrideIsSavedAsEffectiveConfig() throws {
        let yaml = dir.appendingPathComponent("run.yaml")
        try """
        model: cnn-small
        data: [\(sharedDataURL("cifake/sample").path)]
        val_fraction: 0.25
        epochs: 5
        batch: 16
        lr: 0.002
        augment: hflip
        seed: 4
        """.write(to: yaml, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run").path
        let r = try runDiscern(["train", "--config", yaml.path, "--epochs", "1", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent("config.json"))) as? [String: Any])
        XCTAssertEqual(config["epochs"] as? Int, 1, "flag overrides the file")
        XCTAssertEqual(config["model"] as? String, "cnn-small")
        XCTAssertEqual(config["augment"] as? String, "hflip")
        XCTAssertEqual(config["seed"] as? Int, 4)
        let bad = try runDiscern(["train", "--config", yaml.path, "--optimizer", "rmsprop", "--out", out])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("optimizer"), bad.stderr)
        // --region-loss needs an effnet-lite model, --edit-log and a region stride the model has; each mistake is a usage error naming it.
        let malformed = dir.appendingPathComponent("malformed.jsonl")
        try #"{"name":"a.jpg","x":30,"y":0,"width":8,"height":8,"image_width":32,"image_height":32}"#.write(to: malformed, atomically: true, encoding: .utf8)
        for (flags, says) in [(["--model", "effnet-lite0", "--region-loss", "1", "--edit-log", malformed.path], "line 1: not an edit record"),
                              (["--region-loss", "1"], "effnet-lite"),
                              (["--model", "effnet-lite0", "--region-loss", "1"], "edit_logs"),
                              (["--model", "effnet-lite0", "--region-loss", "1", "--edit-log", "/nonexistent.jsonl"], "/nonexistent.jsonl"),
                              (["--model", "effnet-lite0", "--region-loss", "1", "--edit-log", malformed.path, "--region-stride", "12"],
                               "region_stride must be 8 or 16 for effnet-lite0, not 12"),
                              (["--fresh-edits"], "fresh_edits needs to know which images are edits: give edit_logs (--edit-log)")] {
            let r = try runDiscern(["train", "--config", yaml.path, "--out", out] + flags)
            XCTAssertEqual(r.status, 2, "\(flags)")
            XCTAssertTrue(r.stderr.contains(says), "\(flags): \(r.stderr)")
        }
    }

    /// Starts a long training run and returns its process (stdout to a file).
    private func startLongRun(_ out: String) throws -> (Process, URL) {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let p = Process()
        p.executableURL = runner.deletingLastPathComponent().appendingPathComponent("discern")
        p.arguments = ["train", "--model", "cnn", "--data", sharedDataURL("cifake/sample").path, "--val-fraction", "0.25",
                       "--epochs", "400", "--batch", "8", "--out", out]
        let log = dir.appendingPathComponent("log.txt")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: log)
        p.standardError = FileHandle.nullDevice
        try p.run()
        return (p, log)
    }

    private func waitForFile(_ path: String, seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while !FileManager.default.fileExists(atPath: path) && Date() < deadline { usleep(100_000) }
    }

    func testSIGTERMCheckpointsAndExitsCleanlyThenResumes() throws {
        let out = dir.appendingPathComponent("term").path
        let (p, log) = try startLongRun(out)
        waitForFile(out + "/metrics.jsonl", seconds: 60)
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let text = try String(contentsOf: log, encoding: .utf8)
        XCTAssertTrue(text.contains("stopped in epoch"), text)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/last.safetensors"))
        let resumed = try runDiscern(["train", "--resume", out, "--epochs", "2"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
    }

    func testKill9LosesAtMostTheCurrentEpoch() throws {
        let out = dir.appendingPathComponent("nine").path
        let (p, _) = try startLongRun(out)
        waitForFile(out + "/metrics.jsonl", seconds: 60)
        usleep(300_000)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        // Whatever moment the kill hit, last.safetensors is a whole checkpoint (atomic rename) of a finished epoch.
        let check = try runDiscern(["evaluate", "--model", out + "/last.safetensors", "--data", sharedDataURL("cifake/sample").path, "--format", "json"])
        XCTAssertEqual(check.status, 0, check.stderr)
        let done = try String(contentsOf: URL(fileURLWithPath: out + "/metrics.jsonl"), encoding: .utf8).split(separator: "\n").count
        let resumed = try runDiscern(["train", "--resume", out, "--epochs", String(done + 1)])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let after = try String(contentsOf: URL(fileURLWithPath: out + "/metrics.jsonl"), encoding: .utf8).split(separator: "\n").count
        XCTAssertEqual(after, done + 1, "resumed from the last finished epoch")
    }
}
