import Data
import Foundation
import Imaging
import Tensor
import TestSupport
import XCTest

/// Fresh edits: a new edit of the source photo each time, made and coded as `dataset edit` makes them, with its
/// rectangle; the loader swaps them in (and their region targets) per epoch, reproducibly.
final class EditRedrawerTests: XCTestCase {
    private func flat(_ level: UInt8) -> RGBImage {
        RGBImage(width: 32, height: 32, pixels: [UInt8](repeating: level, count: 32 * 32 * 3))
    }

    /// The 64 sample images, and two source photos: a flat grey one (index 0) and a black donor (index 1).
    private func fixtures() throws -> (sample: DecodedDataset, sources: DecodedDataset) {
        let sample = try DecodedDataset.load(DatasetSource(paths: [sharedDataURL("cifake/sample").path]))
        let (grey, black) = (flat(128), flat(0))
        return (sample, sample.subset([0, 1]).mapped { _, i in i == 0 ? grey : black })
    }

    func testEditedNamesGiveTheKindAndTheSourcePhoto() {
        XCTAssertEqual(EditRedrawer.parse(editedName: "splice-2836_6.jpg")?.kind, .splice)
        XCTAssertEqual(EditRedrawer.parse(editedName: "splice-2836_6.jpg")?.source, "2836_6.jpg")
        XCTAssertEqual(EditRedrawer.parse(editedName: "color-a-b.jpg")?.source, "a-b.jpg")
        XCTAssertNil(EditRedrawer.parse(editedName: "colour-x.jpg"))
        XCTAssertNil(EditRedrawer.parse(editedName: "2836_6.jpg"))
    }

    /// A fresh edit of a real photo is, pixel for pixel, what training would read from a shard holding the same edit
    /// stored by `EditedSetMaker`'s coder: no size, JPEG or resampling difference a model could learn instead of the
    /// edit. Checked at the photo's size and enlarged to 64x64, for every kind.
    func testARedrawMatchesTheSameEditStoredAndLoaded() throws {
        let real = try DecodedDataset.load(DatasetSource(paths: [sharedDataURL("cifake/sample/REAL").path]))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-redraw-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for kind in ImageEdit.allCases {
            for size in [32, 64] {
                let redrawer = EditRedrawer(sources: real, sourceIndex: [nil, 5], outputSize: size, kinds: [kind])
                var rng = SplitMix64(seed: 7), same = SplitMix64(seed: 7)
                let fresh = try XCTUnwrap(redrawer.redraw(1, using: &rng))
                let stored = EditedSetMaker.drawEdit(of: 5, among: real.count, kinds: [kind], using: &same) { real.image($0) }.edit
                let folder = dir.appendingPathComponent("\(kind)-\(size)/EDITED")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try EditedSetMaker.encode(stored.image).write(to: folder.appendingPathComponent("x.jpg"))
                let loaded = try DecodedDataset.load(DatasetSource(paths: [folder.deletingLastPathComponent().path]), size: size)
                XCTAssertEqual(fresh.image, loaded.image(0), "\(kind) at \(size)")
                XCTAssertNotEqual(fresh.image, DecodedDataset.fitted(real.image(5), size: size), "\(kind): the photo is edited")
                let r = stored.region
                XCTAssertEqual(fresh.box, RegionBox(x0: Double(r.x) / 32, y0: Double(r.y) / 32,
                                                    x1: Double(r.x + r.width) / 32, y1: Double(r.y + r.height) / 32))
            }
        }
    }

    /// A splice of black into flat grey, at 64x64: black inside the returned rectangle, grey outside it (a pixel
    /// of JPEG and resampling margin at the border), seeded, and another rectangle on another draw.
    func testARedrawIsANewCodedEditWithItsRectangle() throws {
        let (_, sources) = try fixtures()
        let redrawer = EditRedrawer(sources: sources, sourceIndex: [0, nil], outputSize: 64, kinds: [.splice])
        XCTAssertEqual(redrawer.redrawnCount, 1)
        var none = SplitMix64(seed: 1)
        XCTAssertNil(redrawer.redraw(1, using: &none))
        var boxes = Set<RegionBox>()
        for seed in 0..<8 as Range<UInt64> {
            var rng = SplitMix64(seed: seed), again = SplitMix64(seed: seed)
            let (image, box) = try XCTUnwrap(redrawer.redraw(0, using: &rng))
            XCTAssertEqual(redrawer.redraw(0, using: &again)?.image, image, "seeded")
            XCTAssertEqual(image.width, 64)
            let area = (box.x1 - box.x0) * (box.y1 - box.y0)
            XCTAssertTrue((1.0 / 16 - 1e-9)...(0.25 + 1e-9) ~= area, "\(box)")
            boxes.insert(box)
            var inside: [Double] = [], outside: [Double] = []
            for y in 0..<64 { for x in 0..<64 {
                let (u, v) = ((Double(x) + 0.5) / 64, (Double(y) + 0.5) / 64), m = 2.0 / 64
                let value = Double(image.value(x, y, 1))
                if u > box.x0 + m && u < box.x1 - m && v > box.y0 + m && v < box.y1 - m { inside.append(value) }
                if u < box.x0 - m || u > box.x1 + m || v < box.y0 - m || v > box.y1 + m { outside.append(value) }
            } }
            XCTAssertLessThan(inside.reduce(0, +) / Double(inside.count), 8, "seed \(seed): the donor's black")
            XCTAssertEqual(outside.reduce(0, +) / Double(outside.count), 128, accuracy: 4, "seed \(seed): the photo's grey")
        }
        XCTAssertGreaterThan(boxes.count, 4, "each draw places its own rectangle")
    }

    /// In the loader a redrawn image and its region target change from epoch to epoch and agree with each other
    /// (the target's fully covered cells are the black ones); other images keep their stored pixels; an epoch is
    /// the same each time it is made.
    func testTheLoaderSwapsInFreshEditsAndTheirTargets() throws {
        let (sample, sources) = try fixtures()
        var index = [Int?](repeating: nil, count: sample.count)
        index[3] = 0
        let redrawer = EditRedrawer(sources: sources, sourceIndex: index, outputSize: 32, kinds: [.splice])
        var regions = [RegionBox?](repeating: nil, count: sample.count)
        regions[3] = RegionBox(x0: 0, y0: 0, x1: 0.5, y1: 0.5)  // the stored edit's box: replaced by each fresh one
        let loader = BatchLoader(dataset: sample, batchSize: 64, shuffle: false, seed: 4, regions: regions, regionGrid: 4,
                                 redrawer: redrawer)
        let order = Array(0..<64), n = 32 * 32 * 3
        var images: [[Float]] = [], targets: [[Float]] = []
        for epoch in 0..<3 {
            let batch = loader.makeBatch(order, batch: 0, epoch: epoch)
            XCTAssertEqual(batch.images.scalars, loader.makeBatch(order, batch: 0, epoch: epoch).images.scalars, "reproducible")
            let pixels = Array(batch.images.scalars[(3 * n)..<(4 * n)])
            let target = Array(try XCTUnwrap(batch.regionTargets)[(3 * 16)..<(4 * 16)])
            let kept = zip(batch.images.scalars[(5 * n)..<(6 * n)], sample.image(5).pixels).map { abs($0 - Float($1) / 255) }.max()!
            XCTAssertLessThan(kept, 1e-6, "image 5 is not redrawn")
            XCTAssertTrue((1...4).contains(target.reduce(0, +)), "1/16 to 1/4 of the image: \(target)")
            for cell in 0..<16 where target[cell] == 1 || target[cell] == 0 {
                var sum: Float = 0
                for y in (cell / 4 * 8 + 2)..<(cell / 4 * 8 + 6) { for x in (cell % 4 * 8 + 2)..<(cell % 4 * 8 + 6) { sum += pixels[(y * 32 + x) * 3] } }
                XCTAssertEqual(sum / 16, target[cell] == 1 ? 0 : 128 / 255, accuracy: 0.05, "epoch \(epoch) cell \(cell)")
            }
            images.append(pixels)
            targets.append(target)
        }
        XCTAssertNotEqual(images[0], images[1])
        XCTAssertGreaterThan(Set(targets).count, 1, "the rectangle moves between epochs")
    }
}
