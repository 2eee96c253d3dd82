import Data
import Foundation
import TestSupport
import XCTest

/// The shared CIFAKE shards: counts, readability and checksums against the manifest.
final class CIFAKEShardTests: XCTestCase {
    func testTestShardInspectsAs4000Per4000AllReadable() throws {
        let r = try DatasetReport.inspect(DatasetSource(paths: [sharedDataURL("cifake/test.tar.gz").path]))
        XCTAssertEqual(r.total, 8000)
        XCTAssertEqual(r.counts, ["REAL": 4000, "FAKE": 4000])
        XCTAssertEqual(r.unreadable, 0)
        XCTAssertEqual(r.duplicates, 0)
        XCTAssertEqual(r.sizes, ["32x32": 8000])
        XCTAssertEqual(r.jpegQuality["REAL"]?.mode, 75)
        XCTAssertEqual(r.jpegQuality["FAKE"]?.mode, 75)
        XCTAssertTrue(r.warnings.isEmpty, "\(r.warnings)")
    }

    func testEveryMemberOfBothShardsMatchesTheManifestChecksum() throws {
        let manifest = try Manifest.read(sharedDataURL("cifake/manifest.jsonl"))
        XCTAssertEqual(manifest.count, 90_000)
        var expected: [String: (String, String)] = [:]
        for item in manifest { expected[item.path] = (item.sha256 ?? "", item.label) }
        var seen = 0
        var perLabel: [String: Int] = [:]
        for shard in ["train.tar.gz", "test.tar.gz"] {
            let reader = try TarReader(url: sharedDataURL("cifake/\(shard)"))
            while let member = try reader.nextMember() {
                guard let (sha, label) = expected[member.name] else { return XCTFail("\(member.name) not in manifest") }
                XCTAssertEqual(SHA256Digest.hex(member.data), sha, member.name)
                XCTAssertEqual(LabeledItem.fromPath(member.name).label, label)
                perLabel["\(shard):\(label)", default: 0] += 1
                seen += 1
            }
        }
        XCTAssertEqual(seen, 90_000)
        XCTAssertEqual(perLabel, ["train.tar.gz:REAL": 41000, "train.tar.gz:FAKE": 41000, "test.tar.gz:REAL": 4000, "test.tar.gz:FAKE": 4000])
    }

    func testManifestResolvesMembersFromTheShardsBesideIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-mf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let test = sharedDataURL("cifake/test.tar.gz")
        let items = [LabeledItem(path: "\(test.path):test/REAL/0000_5.jpg", label: "REAL"),
                     LabeledItem(path: "\(test.path):test/FAKE/missing.jpg", label: "FAKE")]
        try Manifest.write(items, to: dir.appendingPathComponent("m.jsonl"))
        var results: [Bool] = []
        try DatasetSource(paths: [dir.appendingPathComponent("m.jsonl").path]).forEach { _, r in
            if case .success = r { results.append(true) } else { results.append(false) }
        }
        XCTAssertEqual(results, [true, false])
    }
}
