import Foundation
import TestSupport
import XCTest

/// `discern gan train` / `gan sample` as a user runs them.
final class GANCommandTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-gan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// The bytes of a JPEG up to (not including) its start-of-scan marker.
    private func header(_ data: Data) throws -> Data {
        let bytes = [UInt8](data)
        let sos = try XCTUnwrap((0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA })
        return Data(bytes[0..<sos])
    }

    func testTrainWritesFiguresAndCheckpointsThenSamplesLikeCIFAKEFiles() throws {
        let run = dir.appendingPathComponent("gan").path
        let train = try runDiscern(["gan", "train", "--data", sharedDataURL("cifake/sample").path, "--epochs", "2", "--batch", "8",
                                    "--seed", "1", "--out", run])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stdout.contains("on 32 REAL images"), train.stdout)
        for file in ["samples-001.png", "samples-002.png", "losses.png", "losses.svg", "generator.safetensors", "generator-epoch1.safetensors",
                     "generator-epoch2.safetensors", "discriminator.safetensors"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(run)/\(file)"), file)
        }
        let lines = try String(contentsOfFile: "\(run)/gan_metrics.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)

        let out = dir.appendingPathComponent("samples").path
        let sample = try runDiscern(["gan", "sample", "--model", "\(run)/generator.safetensors", "--count", "5", "--seed", "7", "--out", out])
        XCTAssertEqual(sample.status, 0, sample.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(out)/FAKE").sorted()
        XCTAssertEqual(files.count, 5)
        // Same container as every CIFAKE file: byte-identical header up to the start of scan.
        let cifake = try XCTUnwrap(FileManager.default.enumerator(atPath: sharedDataURL("cifake/sample/REAL").path)?.nextObject() as? String)
        let reference = try Data(contentsOf: sharedDataURL("cifake/sample/REAL").appendingPathComponent(cifake))
        let ours = try Data(contentsOf: URL(fileURLWithPath: "\(out)/FAKE/\(files[0])"))
        XCTAssertEqual(try header(ours), try header(reference))
        // The same seed gives the same images; a shard output is read back by classify.
        let again = dir.appendingPathComponent("again").path
        XCTAssertEqual(try runDiscern(["gan", "sample", "--model", "\(run)/generator.safetensors", "--count", "5", "--seed", "7", "--out", again]).status, 0)
        XCTAssertEqual(ours, try Data(contentsOf: URL(fileURLWithPath: "\(again)/FAKE/\(files[0])")))
        let shard = dir.appendingPathComponent("gan.tar.gz").path
        XCTAssertEqual(try runDiscern(["gan", "sample", "--model", "\(run)/generator.safetensors", "--count", "3", "--out", shard]).status, 0)
        let classify = try runDiscern(["classify", shard, "--format", "json"])
        XCTAssertEqual(classify.status, 0, classify.stderr)
        XCTAssertEqual(classify.stdout.split(separator: "\n").count, 3)
    }

    func testBadArgumentsAreUsageErrors() throws {
        let r = try runDiscern(["gan", "train", "--data", sharedDataURL("cifake/sample").path, "--size", "48", "--out", dir.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("size must be 32 or 64"), r.stderr)
        let s = try runDiscern(["gan", "sample", "--model", dir.appendingPathComponent("missing.safetensors").path, "--out", dir.path])
        XCTAssertEqual(s.status, 2)
        XCTAssertTrue(s.stderr.contains("no such generator checkpoint"), s.stderr)
    }
}
