import Data
import Foundation
import Models
import TestSupport
import XCTest

/// End-to-end runs of `discern dataset ...` on the shared CIFAKE files and the bad-input corpus.
final class DatasetCommandTests: XCTestCase {
    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func testInspectTestShardAsJSON() throws {
        let r = try runDiscern(["dataset", "inspect", sharedDataURL("cifake/test.tar.gz").path, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try json(r.stdout)
        XCTAssertEqual(j["total"] as? Int, 8000)
        XCTAssertEqual(j["counts"] as? [String: Int], ["REAL": 4000, "FAKE": 4000])
        XCTAssertEqual(j["unreadable"] as? Int, 0)
        XCTAssertEqual(j["duplicates"] as? Int, 0)
    }

    func testShardThenSplitThenSubsetRoundTrip() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("discern-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let shard = try runDiscern(["dataset", "shard", sharedDataURL("cifake/sample").path, "--out", out.path, "--per-shard", "40"])
        XCTAssertEqual(shard.status, 0, shard.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("shard-00001.tar.gz").path))
        let manifest = out.appendingPathComponent("manifest.jsonl").path
        let inspect = try json(runDiscern(["dataset", "inspect", manifest, "--format", "json"]).stdout)
        XCTAssertEqual(inspect["counts"] as? [String: Int], ["REAL": 32, "FAKE": 32])
        XCTAssertEqual(inspect["checksum_mismatches"] as? Int, 0)

        let split = try runDiscern(["dataset", "split", out.path, "--val", "0.25", "--test", "0.25", "--seed", "3"])
        XCTAssertEqual(split.status, 0, split.stderr)
        let lines = split.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 64)
        let splits = try lines.map { try json(String($0))["split"] as? String ?? "" }
        XCTAssertEqual(Set(splits), ["train", "val", "test"])

        let subset = try runDiscern(["dataset", "subset", manifest, "--per-class", "5", "--seed", "1"])
        XCTAssertEqual(subset.stdout.split(separator: "\n").count, 10)
        // The same seed gives the same subset in every process (labels were visited in a Set's per-run order).
        for _ in 0..<4 {
            XCTAssertEqual(try runDiscern(["dataset", "subset", manifest, "--per-class", "5", "--seed", "1"]).stdout, subset.stdout)
        }
    }

    func testEditWritesALogAndMinChangeRedrawsOnlyWeakEdits() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("discern-edit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        func edit(_ name: String, _ extra: [String]) throws -> (log: [[String: Any]], stdout: String) {
            let r = try runDiscern(["dataset", "edit", sharedDataURL("cifake/sample").path, "--count", "20", "--seed", "3",
                                    "--out", out.appendingPathComponent(name).path, "--log", out.appendingPathComponent(name + ".jsonl").path] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            let log = try String(contentsOf: out.appendingPathComponent(name + ".jsonl"), encoding: .utf8)
            return (try log.split(separator: "\n").map { try json(String($0)) }, r.stdout)
        }
        let plain = try edit("plain", []).log
        XCTAssertEqual(plain.count, 20)
        // Without --min-change the set is the one the generator made before the option existed (7e709dd): the same
        // shard, byte for byte.
        let golden = out.appendingPathComponent("golden.tar.gz")
        XCTAssertEqual(try runDiscern(["dataset", "edit", sharedDataURL("cifake/sample").path, "--count", "20", "--seed", "3",
                                       "--out", golden.path]).status, 0)
        XCTAssertEqual(SHA256Digest.hex(try Data(contentsOf: golden)), "33ea31ab729d7bc8c98a702d1796a96c908239e296c367c69f265b3c33aafb8a")
        // The log names the folder's files, and every rectangle lies inside the 32x32 photo.
        let files = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("plain/EDITED").path)
        XCTAssertEqual(Set(files), Set(plain.compactMap { $0["name"] as? String }))
        for e in plain {
            let (x, y, w, h) = (e["x"] as! Int, e["y"] as! Int, e["width"] as! Int, e["height"] as! Int)
            XCTAssertTrue(x >= 0 && y >= 0 && w >= 8 && h >= 8 && x + w <= 32 && y + h <= 32, "\(e)")
            XCTAssertTrue((e["name"] as! String).hasPrefix("\(e["edit"] as! String)-"))
        }
        let floor = plain.map { $0["change"] as! Double }.sorted()[3] - 0.001  // the log rounds to 0.001
        let (strong, summary) = try edit("strong", ["--min-change", String(floor)])
        XCTAssertEqual(strong.map { $0["name"] as! String }, plain.map { $0["name"] as! String }, "same photos and kinds")
        // Redrawing lifts weak edits; one on a flat photo may stay weak after every try, and the summary says how many.
        let weak = strong.filter { ($0["change"] as! Double) < floor - 0.001 }.count
        XCTAssertLessThan(weak, 3)
        XCTAssertEqual(summary.contains("\(weak) still below --min-change"), weak > 0, summary)
        for (s, p) in zip(strong, plain) where (p["change"] as! Double) >= floor {
            XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("strong/EDITED/\(s["name"]!)")),
                           try Data(contentsOf: out.appendingPathComponent("plain/EDITED/\(p["name"]!)")), "strong enough already")
        }
        let bad = try runDiscern(["dataset", "edit", sharedDataURL("cifake/sample").path, "--count", "2", "--min-change", "-1",
                                  "--out", out.appendingPathComponent("bad").path])
        XCTAssertEqual(bad.status, 2, "usage errors exit 2")
        XCTAssertTrue(bad.stderr.contains("--min-change"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("bad").path))
    }

    func testBadInputsAndFlagsGiveOneLineErrors() throws {
        let missing = try runDiscern(["dataset", "inspect", "/nonexistent/data"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/data"), missing.stderr)
        XCTAssertFalse(missing.stderr.contains("Fatal error"))

        let flag = try runDiscern(["dataset", "subset", "x", "--per-class", "zero"])
        XCTAssertEqual(flag.status, 2, "usage errors exit 2")

        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/bad")
        let bad = try runDiscern(["dataset", "inspect", corpus.path, "--format", "json"])
        XCTAssertEqual(bad.status, 0, bad.stderr)
        let j = try json(bad.stdout)
        XCTAssertEqual(j["total"] as? Int, 9)
        XCTAssertEqual(j["unreadable"] as? Int, 7)
    }

    /// `bench models --width` builds the ResNet it names: the reported parameter count is that network's.
    func testBenchModelsTakesTheResNetWidth() throws {
        let r = try runDiscern(["bench", "models", "--models", "resnet-s2", "--width", "8", "--runs", "1", "--target", "0.01", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try json(r.stdout)
        XCTAssertEqual(j["width"] as? Int, 8)
        XCTAssertEqual(j["params"] as? Int, try ModelFactory.make("resnet-s2", width: 8, seed: 0).parameterCount)
        XCTAssertGreaterThan(j["train_img_s"] as? Double ?? 0, 0)
        XCTAssertGreaterThan(j["train_peak_rss_mb"] as? Double ?? 0, 10)
        XCTAssertEqual(try runDiscern(["bench", "models", "--models", "resnet", "--width", "0"]).status, 2)
    }

    func testEveryCommandHasHelp() throws {
        for cmd in [["demo"], ["dataset", "inspect"], ["dataset", "split"], ["dataset", "subset"], ["dataset", "shard"], ["dataset", "edit"], ["dataset", "reconstruct"], ["route"], ["familiarity"], ["credentials"], ["bench", "engine"], ["bench", "data"]] {
            let r = try runDiscern(cmd + ["--help"])
            XCTAssertEqual(r.status, 0, "\(cmd)")
            XCTAssertTrue(r.stdout.contains("USAGE"), "\(cmd): \(r.stdout)")
        }
    }
}

/// Issue #30: good images next to hostile files are all read, through `dataset inspect`, `classify` and the
/// training loader, with the same pixels and scores as alone.
final class HostileFolderTests: XCTestCase {
    private var root: URL!
    private var good: [String] = []

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("discern-hostile-\(UUID().uuidString)")
        good = try HostileCorpus.writeFolder(root)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func testInspectCountsEveryGoodImageAndNamesEveryBadFile() throws {
        for _ in 0..<3 {
            let r = try runDiscern(["dataset", "inspect", root.path, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(j["counts"] as? [String: Int], ["REAL": 5, "FAKE": 5], r.stdout)
            let unreadable = try XCTUnwrap(j["unreadable_files"] as? [String])
            let named = Set(unreadable.map { line in HostileCorpus.hostileNames.first { line.contains("/" + $0 + ":") } ?? line })
            XCTAssertEqual(named, HostileCorpus.hostileNames, "\(unreadable)")
            for name in good.map({ ($0 as NSString).lastPathComponent }) {
                XCTAssertFalse(unreadable.contains { $0.contains(name) }, "\(name) reported unreadable: \(unreadable)")
            }
        }
    }

    func testClassifyScoresEachGoodImageAsItDoesAlone() throws {
        let r = try runDiscern(["classify", root.path, "--format", "json"])
        XCTAssertEqual(r.status, 1, "the bad files make the exit status 1")
        let rows = try r.stdout.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(rows.count, good.count, r.stderr)
        for name in HostileCorpus.hostileNames { XCTAssertTrue(r.stderr.contains(name), "\(name) not named: \(r.stderr)") }
        let alone = try runDiscern(["classify", "--format", "json"] + good.map { root.appendingPathComponent($0).path })
        XCTAssertEqual(alone.status, 0, alone.stderr)
        let expected = try alone.stdout.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: rows.map { ($0["path"] as? String ?? "", $0["p_fake"] as? Double ?? -1) }),
                       Dictionary(uniqueKeysWithValues: expected.map { ($0["path"] as? String ?? "", $0["p_fake"] as? Double ?? -1) }))
    }

    func testTrainingLoaderKeepsEveryGoodImage() throws {
        let ds = try DecodedDataset.load(DatasetSource(paths: [root.path]), size: 32)
        XCTAssertEqual(ds.count, good.count)
        XCTAssertEqual(Set(ds.failures.map { ($0.path as NSString).lastPathComponent }), HostileCorpus.hostileNames)
        for (i, item) in ds.items.enumerated() {
            let alone = try DecodedDataset.load(DatasetSource(paths: [item.path]), size: 32)
            XCTAssertEqual(ds.image(i), alone.image(0), item.path)
        }
    }

    func testUnsupportedFormatsAreNamedInTheSummary() throws {
        try Data("GIF89a".utf8).write(to: root.appendingPathComponent("REAL/anim.gif"))
        try Data("RIFF....WEBP".utf8).write(to: root.appendingPathComponent("FAKE/still.webp"))
        let r = try runDiscern(["classify", root.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("2 in unsupported formats: still.webp, anim.gif"), r.stdout)
        XCTAssertTrue(r.stderr.contains("anim.gif: unsupported image: GIF files are not read"), r.stderr)
    }
}

/// `dataset inspect --verify`: every input against its manifest sha256.
final class VerifyTests: XCTestCase {
    func testVerifyPassesOnAnIntactShardAndFailsOnAChangedMember() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("discern-verify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let shard = try runDiscern(["dataset", "shard", sharedDataURL("cifake/sample").path, "--out", out.path, "--per-shard", "100"])
        XCTAssertEqual(shard.status, 0, shard.stderr)
        let manifest = out.appendingPathComponent("manifest.jsonl")
        let ok = try runDiscern(["dataset", "inspect", manifest.path, "--verify"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stderr.contains("verify: all 64 inputs match"), ok.stderr)
        XCTAssertTrue(ok.stdout.contains("checksums: 64 match, 0 differ"), ok.stdout)

        // A folder has no manifest: nothing to verify against.
        let folder = try runDiscern(["dataset", "inspect", sharedDataURL("cifake/sample").path, "--verify"])
        XCTAssertEqual(folder.status, 1)
        XCTAssertTrue(folder.stderr.contains("have no manifest sha256"), folder.stderr)

        // Change one member's recorded hash: that member fails, by name.
        var lines = try String(contentsOf: manifest, encoding: .utf8).split(separator: "\n").map(String.init)
        let victim = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[3].utf8)) as? [String: Any])
        lines[3] = lines[3].replacingOccurrences(of: victim["sha256"] as! String, with: String(repeating: "0", count: 64))
        try (lines.joined(separator: "\n") + "\n").write(to: manifest, atomically: true, encoding: .utf8)
        let bad = try runDiscern(["dataset", "inspect", manifest.path, "--verify", "--format", "json"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("1 of 64 inputs fail"), bad.stderr)
        let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bad.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(j["checksum_mismatches"] as? Int, 1)
        let member = (victim["path"] as! String).split(separator: ":").last.map(String.init) ?? ""
        XCTAssertTrue((j["checksum_mismatch_files"] as? [String] ?? []).first?.hasSuffix(member) ?? false, "\(j)")
    }
}

/// `discern dataset reconstruct`: aligned fakes through the taef2 autoencoder (weights from scripts/weights/convert_taesd.sh).
final class DatasetReconstructCommandTests: XCTestCase {
    func testReconstructPairsEachFakeWithItsSourceAndSplitKeepsPairsTogether() throws {
        let weights = TinyAutoencoder.defaultWeightsPath(environment: ProcessInfo.processInfo.environment)
        _ = try XCTUnwrap(FileManager.default.fileExists(atPath: weights) ? weights : nil,
                          "taef2 weights missing at \(weights): run scripts/weights/convert_taesd.sh")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-recon-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let shard = dir.appendingPathComponent("aligned.tar.gz").path
        let sample = sharedDataURL("cifake/sample").path
        let r = try runDiscern(["dataset", "reconstruct", sample, "--limit", "6", "--out", shard])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("6 reconstructions (mean PSNR"), r.stdout)
        let manifest = dir.appendingPathComponent("aligned.jsonl")
        let lines = try String(contentsOf: manifest, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(lines.count, 6)
        for line in lines {
            let source = try XCTUnwrap(line["source"] as? String), path = try XCTUnwrap(line["path"] as? String)
            XCTAssertTrue(source.contains("/REAL/"), source)   // only --from REAL images
            XCTAssertEqual((path as NSString).lastPathComponent, ((source as NSString).lastPathComponent as NSString).deletingPathExtension + ".jpg")
            XCTAssertEqual(line["label"] as? String, "FAKE")
            XCTAssertEqual(line["crop"] as? [Int], [0, 0, 32, 32])
            let psnr = try XCTUnwrap(line["psnr"] as? Double)
            XCTAssertGreaterThan(psnr, 20)   // the same content, close but not equal
            XCTAssertLessThan(psnr, 60)
        }
        // The manifest reads as a dataset (its shard field names the shard), with matching hashes.
        let inspect = try runDiscern(["dataset", "inspect", manifest.path, "--format", "json", "--verify"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["counts"] as? [String: Int], ["FAKE": 6])
        XCTAssertEqual(report["checksum_mismatches"] as? Int, 0)

        // Sources and reconstructions share a file-name stem, so a grouped split never separates a pair.
        let split = try runDiscern(["dataset", "split", sample, manifest.path, "--val", "0.3", "--test", "0.2", "--seed", "5",
                                    "--group-by", "^([^.]+)"])
        XCTAssertEqual(split.status, 0, split.stderr)
        var splitOf: [String: Set<String>] = [:]
        for line in split.stdout.split(separator: "\n") {
            let j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let stem = (((j["path"] as? String ?? "") as NSString).lastPathComponent as NSString).deletingPathExtension
            splitOf[stem, default: []].insert(j["split"] as? String ?? "")
        }
        let pairs = lines.map { (($0["path"] as! NSString).lastPathComponent as NSString).deletingPathExtension }
        for stem in pairs { XCTAssertEqual(splitOf[stem]?.count, 1, "\(stem) split across \(splitOf[stem] ?? [])") }

        // Bad input: one-line errors, nothing written.
        let missing = try runDiscern(["dataset", "reconstruct", sample, "--autoencoder", dir.appendingPathComponent("none.safetensors").path,
                                      "--out", dir.appendingPathComponent("x.tar.gz").path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("cannot load the autoencoder"), missing.stderr)
        let noLabel = try runDiscern(["dataset", "reconstruct", sample, "--from", "EDITED", "--out", dir.appendingPathComponent("y.tar.gz").path])
        XCTAssertNotEqual(noLabel.status, 0)
        XCTAssertTrue(noLabel.stderr.contains("no images labelled EDITED"), noLabel.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("y.tar.gz").path))
    }
}
