import Data
import Foundation
import Imaging
import Tensor
import TestSupport
import XCTest

final class LoaderTests: XCTestCase {
    private func sample() throws -> DecodedDataset {
        try DecodedDataset.load(DatasetSource(paths: [sharedDataURL("cifake/sample").path]))
    }

    func testEpochCoversEveryImageOnceInSeededOrder() throws {
        let ds = try sample()
        let loader = BatchLoader(dataset: ds, batchSize: 10, shuffle: true, seed: 5)
        XCTAssertEqual(loader.batchCount, 7)
        let batches = Array(loader.batches(epoch: 0))
        XCTAssertEqual(batches.count, 7)
        XCTAssertEqual(batches.flatMap(\.indices).sorted(), Array(0..<64))
        XCTAssertEqual(batches[0].images.shape, [10, 32, 32, 3])
        XCTAssertEqual(batches[6].images.shape, [4, 32, 32, 3])
        XCTAssertEqual(batches.flatMap(\.indices), loader.order(epoch: 0))
        XCTAssertNotEqual(loader.order(epoch: 0), loader.order(epoch: 1))
        XCTAssertEqual(batches[0].labels, batches[0].indices.map { ds.labels[$0] })
        // Pixels are the decoded bytes / 255.
        let first = batches[0].indices[0]
        XCTAssertEqual(batches[0].images.pointer[5], Float(ds.image(first).pixels[5]) / 255, accuracy: 1e-6)
    }

    func testAugmentedBatchesAreReproducibleAndDifferFromClean() throws {
        let ds = try sample()
        let aug = try Augmentation("hflip,crop:4,jpeg:30-60@1,blur:0.5-1,noise:0.02")
        let a = BatchLoader(dataset: ds, batchSize: 16, shuffle: true, seed: 9, augmentation: aug)
        let b = BatchLoader(dataset: ds, batchSize: 16, shuffle: true, seed: 9, augmentation: aug)
        let clean = BatchLoader(dataset: ds, batchSize: 16, shuffle: true, seed: 9)
        let ba = Array(a.batches(epoch: 2)), bb = Array(b.batches(epoch: 2)), bc = Array(clean.batches(epoch: 2))
        XCTAssertEqual(ba[1].images.scalars, bb[1].images.scalars)
        XCTAssertNotEqual(ba[1].images.scalars, bc[1].images.scalars)
    }

    func testEarlyStopReleasesTheProducer() throws {
        let ds = try sample()
        let loader = BatchLoader(dataset: ds, batchSize: 2, shuffle: false, seed: 0, prefetch: 1)
        var it: AnyIterator<LoaderBatch>? = loader.batches(epoch: 0)
        XCTAssertNotNil(it?.next())
        it = nil  // must not hang or crash
        XCTAssertEqual(Array(loader.batches(epoch: 0, startingAt: 30)).count, 2)
    }

    /// With edit regions every batch carries per-cell coverage on the grid: exact fractions for a box that cuts
    /// cells, zeros for images without an edit, and mirrored when the image is.
    func testRegionTargetsAreTheEditsCoverageAndFollowFlips() throws {
        let ds = try sample()
        let box = RegionBox(x0: 0.125, y0: 0, x1: 0.5, y1: 0.25)  // pixels 4..<16 x 0..<8 of 32
        XCTAssertEqual(box.coverage(grid: 4), [0.5, 1, 0, 0] + [Float](repeating: 0, count: 12))
        var regions = [RegionBox?](repeating: nil, count: ds.count)
        regions[3] = box
        let plain = BatchLoader(dataset: ds, batchSize: 64, shuffle: false, seed: 1, regions: regions, regionGrid: 4)
        let batch = plain.makeBatch(plain.order(epoch: 0), batch: 0, epoch: 0)
        let t = try XCTUnwrap(batch.regionTargets)
        XCTAssertEqual(t.count, 64 * 16)
        XCTAssertEqual(Array(t[(3 * 16)..<(4 * 16)]), box.coverage(grid: 4))
        XCTAssertEqual(t.reduce(0, +), 1.5, "only image 3 has an edit")
        XCTAssertNil(BatchLoader(dataset: ds, batchSize: 8, shuffle: false, seed: 1).makeBatch(Array(0..<64), batch: 0, epoch: 0).regionTargets)
        let flipped = BatchLoader(dataset: ds, batchSize: 64, shuffle: false, seed: 1, augmentation: try Augmentation("hflip@1"),
                                  regions: regions, regionGrid: 4)
        let f = try XCTUnwrap(flipped.makeBatch(flipped.order(epoch: 0), batch: 0, epoch: 0).regionTargets)
        XCTAssertEqual(Array(f[(3 * 16)..<(3 * 16 + 4)]), [0, 0, 1, 0.5])
    }

    func testEditLogsGiveBoxesAndRejectBadLines() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func log(_ lines: [String]) throws -> String {
            let url = dir.appendingPathComponent("\(UUID().uuidString).jsonl")
            try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let good = try log([#"{"name":"blur-1.jpg","x":8,"y":0,"width":8,"height":16,"image_width":32,"image_height":32,"edit":"blur"}"#])
        XCTAssertEqual(try EditLog.read([good]), ["blur-1.jpg": RegionBox(x0: 0.25, y0: 0, x1: 0.5, y1: 0.5)])
        for bad in [#"{"name":"a.jpg","x":30,"y":0,"width":8,"height":8,"image_width":32,"image_height":32}"#,
                    #"{"name":"a.jpg","x":0,"y":0,"width":8,"height":8}"#, "not json"] {
            XCTAssertThrowsError(try EditLog.read([try log([bad])])) { XCTAssertTrue("\($0)".contains("line 1"), "\($0)") }
        }
        XCTAssertThrowsError(try EditLog.read([good, good])) { XCTAssertTrue("\($0)".contains("twice"), "\($0)") }
        XCTAssertThrowsError(try EditLog.read([dir.appendingPathComponent("missing.jsonl").path]))
    }
}
