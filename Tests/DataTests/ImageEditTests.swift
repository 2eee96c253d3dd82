import Data
import Foundation
import Imaging
import Tensor
import TestSupport
import XCTest

/// Local edits change one rectangle (1/16 to 1/4 of the image) and nothing else.
final class ImageEditTests: XCTestCase {
    func noise(_ seed: UInt64) -> RGBImage {
        var rng = SplitMix64(seed: seed)
        return RGBImage(width: 32, height: 32, pixels: (0..<(32 * 32 * 3)).map { _ in UInt8.random(in: 40...215, using: &rng) })
    }

    /// The bounding box of the pixels that differ.
    func changedBox(_ a: RGBImage, _ b: RGBImage) -> (x0: Int, y0: Int, x1: Int, y1: Int, count: Int)? {
        var box: (Int, Int, Int, Int)?, count = 0
        for y in 0..<32 { for x in 0..<32 where (0..<3).contains(where: { a.value(x, y, $0) != b.value(x, y, $0) }) {
            count += 1
            box = box.map { (min($0.0, x), min($0.1, y), max($0.2, x), max($0.3, y)) } ?? (x, y, x, y)
        } }
        return box.map { ($0.0, $0.1, $0.2, $0.3, count) }
    }

    func testEveryEditChangesOneRegionOfTheExpectedSize() throws {
        let image = noise(1), donor = noise(2)
        for kind in ImageEdit.allCases {
            for seed in 0..<20 as Range<UInt64> {
                var rng = SplitMix64(seed: seed)
                let edited = kind.apply(to: image, donor: donor, using: &rng)
                let box = try XCTUnwrap(changedBox(image, edited), "\(kind) changed nothing")
                let area = (box.x1 - box.x0 + 1) * (box.y1 - box.y0 + 1)
                XCTAssertGreaterThanOrEqual(area, 8 * 8 / 2, "\(kind) seed \(seed)")  // an edit may leave a few equal pixels at the edge
                XCTAssertLessThanOrEqual(area, 16 * 16, "\(kind) seed \(seed)")
                // Most pixels of the changed box really changed.
                XCTAssertGreaterThan(Double(box.count) / Double(area), 0.5, "\(kind) seed \(seed)")
            }
        }
    }

    func testSpliceCopiesTheDonorsPixels() {
        let image = noise(3), donor = noise(4)
        var rng = SplitMix64(seed: 5)
        let edited = ImageEdit.splice.apply(to: image, donor: donor, using: &rng)
        // Every changed pixel equals some donor pixel (the donor's noise values are unique enough to check a row).
        var changed = 0, found = 0
        for y in 0..<32 { for x in 0..<32 where edited.value(x, y, 0) != image.value(x, y, 0) {
            changed += 1
            let px = (0..<3).map { edited.value(x, y, $0) }
            if (0..<32).contains(where: { dy in (0..<32).contains { dx in (0..<3).allSatisfy { donor.value(dx, dy, $0) == px[$0] } } }) { found += 1 }
        } }
        XCTAssertGreaterThan(changed, 0)
        XCTAssertEqual(found, changed)
    }

    func testTheSetMakerIsSeededAndWritesCIFAKEStyleJPEGs() throws {
        let photos = (0..<10).map { (name: "REAL/\($0).jpg", image: noise(UInt64($0) + 10)) }
        let a = try EditedSetMaker.make(photos, count: 6, seed: 9), b = try EditedSetMaker.make(photos, count: 6, seed: 9)
        XCTAssertEqual(a.map(\.name), b.map(\.name))
        XCTAssertEqual(a.map(\.jpeg), b.map(\.jpeg))
        XCTAssertEqual(Set(a.map(\.name)).count, 6, "one edit per photo")
        let decoded = try JPEGCodec.decode(a[0].jpeg)
        XCTAssertEqual([decoded.width, decoded.height], [32, 32])
    }

    func testAppliedReportsTheRectangleAndTheMeanAbsoluteChange() throws {
        let image = noise(6), donor = noise(7)
        for kind in ImageEdit.allCases {
            for seed in 0..<10 as Range<UInt64> {
                var a = SplitMix64(seed: seed), b = SplitMix64(seed: seed)
                let e = kind.applied(to: image, donor: donor, using: &a)
                XCTAssertEqual(e.image.pixels, kind.apply(to: image, donor: donor, using: &b).pixels, "apply is applied's image")
                XCTAssertEqual(e.kind, kind)
                let box = try XCTUnwrap(changedBox(image, e.image))
                let r = e.region
                XCTAssertTrue(box.x0 >= r.x && box.y0 >= r.y && box.x1 < r.x + r.width && box.y1 < r.y + r.height,
                              "\(kind) seed \(seed): changes \(box) outside \(r)")
                var total = 0
                for y in r.y..<(r.y + r.height) { for x in r.x..<(r.x + r.width) { for c in 0..<3 {
                    total += abs(Int(e.image.value(x, y, c)) - Int(image.value(x, y, c)))
                } } }
                XCTAssertEqual(e.change, Double(total) / Double(r.width * r.height * 3), accuracy: 1e-12)
                XCTAssertGreaterThan(e.change, 0)
            }
        }
    }

    func testMinChangeRedrawsWeakEditsAndZeroKeepsTheSetAsDrawn() throws {
        let photos = (0..<40).map { (name: "REAL/\($0).jpg", image: noise(UInt64($0) + 50)) }
        let plain = try EditedSetMaker.make(photos, count: 40, seed: 4)
        let floor = plain.map(\.change).sorted()[4]  // 4 of the 40 edits are weaker than this
        let strong = try EditedSetMaker.make(photos, count: 40, seed: 4, minChange: floor)
        XCTAssertEqual(strong.map(\.name), plain.map(\.name), "same photos and kinds, in the same order")
        XCTAssertEqual(plain.filter { $0.change < floor }.count, 4)
        XCTAssertTrue(strong.allSatisfy { $0.change >= floor }, "\(strong.map(\.change).min()!) < \(floor)")
        for (s, p) in zip(strong, plain) where p.change >= floor { XCTAssertEqual(s.jpeg, p.jpeg, "\(s.name): strong enough already") }
        // A flat photo: blur changes nothing however often it is redrawn; the strongest (zero) attempt is kept.
        let flat = RGBImage(width: 32, height: 32, pixels: [UInt8](repeating: 128, count: 32 * 32 * 3))
        let blurred = try EditedSetMaker.make([(name: "a.jpg", image: flat), (name: "b.jpg", image: flat)], count: 2, seed: 1,
                                              kinds: [.blur], minChange: 5)
        XCTAssertEqual(blurred.map(\.change), [0, 0])
    }
}
