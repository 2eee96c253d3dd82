import Foundation
import TestSupport
import XCTest

/// `discern export` as a user runs it (numerical agreement with onnxruntime: scripts/interop/check_onnx.py).
final class ExportCommandTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-exportcli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// The JSON header of a safetensors file.
    private func header(_ url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: url)
        let n = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as? [String: Any])
    }

    func testSafetensorsExportDropsOptimizerStateAndKeepsMetadata() throws {
        let run = dir.appendingPathComponent("run").path
        let train = try runDiscern(["train", "--model", "cnn-small", "--data", sharedDataURL("cifake/sample").path, "--val-fraction", "0.25",
                                    "--epochs", "1", "--batch", "16", "--seed", "2", "--out", run])
        XCTAssertEqual(train.status, 0, train.stderr)
        let checkpoint = URL(fileURLWithPath: run).appendingPathComponent("last.safetensors")
        XCTAssertTrue(try header(checkpoint).keys.contains { $0.hasPrefix("optimizer/") }, "the run's checkpoint holds optimizer state")
        let out = dir.appendingPathComponent("weights.safetensors")
        let r = try runDiscern(["export", "--model", checkpoint.path, "--format", "safetensors", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let exported = try header(out)
        XCTAssertFalse(exported.keys.contains { $0.hasPrefix("optimizer/") })
        XCTAssertEqual(Set(exported.keys), ["__metadata__", "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
        XCTAssertEqual((exported["__metadata__"] as? [String: String])?["architecture"], "cnn-small")
    }

    func testONNXExportOfTheShippedDetectorAndUsageErrors() throws {
        let out = dir.appendingPathComponent("default.onnx")
        let r = try runDiscern(["export", "--format", "onnx", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("nodes"), r.stdout)
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: out.path)[.size] as? Int)
        let parameters = try XCTUnwrap(r.stdout.components(separatedBy: ", ").first { $0.hasSuffix(" parameters") }
            .flatMap { Int($0.split(separator: " ")[0]) }, r.stdout)
        XCTAssertGreaterThan(size, parameters * 4, "all float weights are in the file")
        let missing = try runDiscern(["export", "--model", "/nonexistent.safetensors", "--out", out.path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no such checkpoint"), missing.stderr)
        let format = try runDiscern(["export", "--format", "tflite", "--out", out.path])
        XCTAssertEqual(format.status, 2)
    }
}
