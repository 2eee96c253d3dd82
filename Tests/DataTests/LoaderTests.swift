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

    /// Patch training: native pixels, centre-cropped or mirror-padded, never resampled; windows cut after augmentation.
    func testNativeFitKeepsPixelsAndCropWindowsAreSeeded() throws {
        let img = RGBImage(width: 5, height: 3, pixels: (0..<45).map { UInt8($0) })
        let cropped = DecodedDataset.croppedOrPadded(img, size: 3)
        XCTAssertEqual(cropped.pixels, Array(img.cropped(x: 1, y: 0, width: 3, height: 3).pixels), "the centred window")
        // Padding mirrors without repeating the edge: rows -1, 0, 1, 2, 3 read rows 1, 0, 1, 2, 1.
        let padded = DecodedDataset.croppedOrPadded(img, size: 5)
        XCTAssertEqual((0..<5).map { padded.value(2, $0, 0) }, [1, 0, 1, 2, 1].map { img.value(2, $0, 0) })
        XCTAssertEqual((0..<5).map { padded.value($0, 1, 0) }, (0..<5).map { img.value($0, 0, 0) }, "row 1 is source row 0")
        // Loading at native size keeps the sample's 32 x 32 pixels where resizing to 48 would not.
        let native = try DecodedDataset.load(DatasetSource(paths: [sharedDataURL("cifake/sample").path]), size: 48, fit: .cropOrPad)
        let ds = try sample()
        XCTAssertEqual(native.image(0).cropped(x: 8, y: 8, width: 32, height: 32), ds.image(0))
        // Windows: seeded random positions when shuffling, the centre otherwise; every window is a native cut.
        let a = BatchLoader(dataset: native, batchSize: 8, shuffle: true, seed: 3, crop: 16)
        let b = BatchLoader(dataset: native, batchSize: 8, shuffle: true, seed: 3, crop: 16)
        let ba = a.makeBatch(a.order(epoch: 1), batch: 0, epoch: 1), bb = b.makeBatch(b.order(epoch: 1), batch: 0, epoch: 1)
        XCTAssertEqual(ba.images.shape, [8, 16, 16, 3])
        XCTAssertEqual(ba.images.scalars, bb.images.scalars)
        var positions = Set<Int>()
        func bytes(_ t: Tensor, _ j: Int) -> [UInt8] { t.scalars[(j * 768)..<((j + 1) * 768)].map { UInt8(($0 * 255).rounded()) } }
        for (j, i) in ba.indices.enumerated() {
            let window = bytes(ba.images, j)
            let full = native.image(i)
            let match = (0...32).flatMap { y in (0...32).map { (x: $0, y: y) } }.first { p in
                full.cropped(x: p.x, y: p.y, width: 16, height: 16).pixels == window
            }
            XCTAssertNotNil(match, "window \(j) is a 16 x 16 cut of its image")
            if let match { positions.insert(match.y * 33 + match.x) }
        }
        XCTAssertGreaterThan(positions.count, 1, "random positions")
        let centre = BatchLoader(dataset: native, batchSize: 4, shuffle: false, seed: 3, crop: 16)
        let bc = centre.makeBatch(centre.order(epoch: 0), batch: 0, epoch: 0)
        XCTAssertEqual(bytes(bc.images, 0), native.image(0).cropped(x: 16, y: 16, width: 16, height: 16).pixels)
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
        // What `discern dataset edit --log` writes now (typed, versioned, sorted keys) reads back; a newer version does not.
        let record = EditRecord(name: "crop-2.jpg", edit: "blur", x: 0, y: 16, width: 32, height: 16, imageWidth: 32, imageHeight: 32, change: 0.125)
        let line = try record.line()
        XCTAssertEqual(line, #"{"change":0.125,"edit":"blur","height":16,"image_height":32,"image_width":32,"name":"crop-2.jpg","version":1,"width":32,"x":0,"y":16}"#)
        XCTAssertEqual(try EditLog.read([try log([line])]), ["crop-2.jpg": RegionBox(x0: 0, y0: 0.5, x1: 1, y1: 1)])
        let newer = line.replacingOccurrences(of: #""version":1"#, with: #""version":2"#)
        XCTAssertThrowsError(try EditLog.read([try log([newer])])) { XCTAssertTrue("\($0)".contains("version 2"), "\($0)") }
        XCTAssertThrowsError(try EditLog.read([dir.appendingPathComponent("missing.jsonl").path]))
    }
}
