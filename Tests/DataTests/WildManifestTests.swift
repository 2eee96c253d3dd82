import Data
import Foundation
import TestSupport
import XCTest

/// The wild manifest names tar members with a `shard` field beside `path` (issue #31's data).
final class WildManifestTests: XCTestCase {
    func testShardFieldNamesATarMember() throws {
        let url = sharedDataURL("wild/manifest.jsonl")
        let items = try Manifest.read(url)
        XCTAssertEqual(items.count, 1421)
        XCTAssertEqual(items.filter { $0.path.hasPrefix("train.tar.gz:wild/") }.count, 1174)
        XCTAssertEqual(items.filter { $0.path.hasPrefix("val.tar.gz:wild/") }.count, 247)
        // A manifest elsewhere naming members of the shared val shard by absolute path: decoded, labels kept.
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").filter { $0.contains("\"val.tar.gz\"") }
        let picked = [lines[0], lines[lines.count - 1]].map {
            $0.replacingOccurrences(of: "\"shard\": \"val.tar.gz\"", with: "\"shard\": \"\(sharedDataURL("wild/val.tar.gz").path)\"")
        }
        let local = FileManager.default.temporaryDirectory.appendingPathComponent("wild-subset-\(getpid()).jsonl")
        try (picked.joined(separator: "\n") + "\n").write(to: local, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: local) }
        let ds = try DecodedDataset.load(DatasetSource(paths: [local.path]), size: 64)
        XCTAssertEqual(ds.failures.count, 0, "\(ds.failures)")
        XCTAssertEqual(ds.items.map(\.label), ["FAKE", "REAL"])
        XCTAssertTrue(ds.items.allSatisfy { $0.path.contains("val.tar.gz:wild/") }, "\(ds.items.map(\.path))")
    }
}
