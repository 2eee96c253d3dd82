import Data
import Foundation
import Imaging
import Models
import TestSupport
import Training
import XCTest

/// `AlignedShard`, the library side of `discern dataset reconstruct` (the end-to-end run with the real weights is in
/// CLITests): what it counts and refuses, without reading weights.
final class AlignedShardTests: XCTestCase {
    func testCountsEachSourceOnceAndRefusesAnAbsentLabel() throws {
        let source = try DatasetSource(paths: [sharedDataURL("cifake/sample").path])
        let shard = AlignedShard(from: "REAL", label: "FAKE", quality: 92, subsampling: .s444, limit: 0)
        XCTAssertEqual(try shard.wanted(in: source), 32)
        XCTAssertEqual(try AlignedShard(from: "REAL", label: "FAKE", quality: 92, subsampling: .s444, limit: 5).wanted(in: source), 5)
        let none = AlignedShard(from: "EDITED", label: "FAKE", quality: 92, subsampling: .s444, limit: 0)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("aligned-\(UUID().uuidString).tar.gz").path
        XCTAssertThrowsError(try none.write(source: source, reconstructor: AlignedReconstructor(autoencoder: TinyAutoencoder()), out: out,
                                            manifest: out + ".jsonl")) {
            XCTAssertEqual($0 as? AlignedShardError, .noInput(label: "EDITED"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}
