import Foundation
import Imaging
import XCTest

final class ImageOpsTests: XCTestCase {
    private func image(_ w: Int, _ h: Int) -> RGBImage {
        RGBImage(width: w, height: h, pixels: (0..<(w * h * 3)).map { UInt8(($0 * 37 + $0 / 3) % 256) })
    }

    func testFlipsAndRotationsCompose() {
        let img = image(5, 3)
        XCTAssertEqual(img.flippedHorizontally().flippedHorizontally(), img)
        XCTAssertEqual(img.flippedVertically().flippedVertically(), img)
        XCTAssertEqual(img.rotated90(times: 4), img)
        XCTAssertEqual(img.rotated90(times: 2), img.flippedHorizontally().flippedVertically())
        let r = img.rotated90(times: 1)
        XCTAssertEqual([r.width, r.height], [3, 5])
        // Counter-clockwise: the top-right pixel goes to the top-left.
        XCTAssertEqual(r.value(0, 0, 0), img.value(4, 0, 0))
    }

    func testCropPadAndResize() {
        let img = image(6, 4)
        XCTAssertEqual(img.padded(2).cropped(x: 2, y: 2, width: 6, height: 4), img)
        XCTAssertEqual(img.cropped(x: -1, y: 0, width: 2, height: 1).pixels[0...2], [0, 0, 0])
        // Constant images stay constant under every filter; area-halving averages 2x2 blocks.
        let flat = RGBImage(width: 8, height: 8, pixels: [UInt8](repeating: 90, count: 192))
        for f in ResizeFilter.allCases {
            XCTAssertTrue(flat.resized(width: 3, height: 5, filter: f).pixels.allSatisfy { $0 == 90 }, "\(f)")
            XCTAssertTrue(flat.resized(width: 20, height: 13, filter: f).pixels.allSatisfy { $0 == 90 }, "\(f)")
        }
        let checker = RGBImage(width: 4, height: 4, pixels: (0..<48).map { i in ((i / 3) % 4 + (i / 12)) % 2 == 0 ? 0 : 200 })
        XCTAssertTrue(checker.resized(width: 2, height: 2, filter: .area).pixels.allSatisfy { $0 == 100 })
        XCTAssertTrue(checker.resized(width: 2, height: 2, filter: .bilinear).pixels.allSatisfy { (90...110).contains($0) }, "antialiased")
    }

    func testBlurSmoothsButKeepsTheMean() {
        let img = image(9, 9)
        let b = img.blurred(sigma: 1.5)
        func variance(_ p: [UInt8]) -> Double { let m = Double(p.reduce(0) { $0 + Int($1) }) / Double(p.count); return p.reduce(0) { $0 + pow(Double($1) - m, 2) } }
        XCTAssertLessThan(variance(b.pixels), variance(img.pixels) / 2)
        XCTAssertEqual(img.blurred(sigma: 0), img)
    }

    func testJPEGRoundTripAndQualityEstimate() throws {
        let img = image(16, 16)
        for q in [30, 75, 95] {
            let data = try JPEGCodec.encode(img, quality: q)
            let est = try XCTUnwrap(JPEGQuality.estimate(data))
            XCTAssertEqual(est.quality, q)
            XCTAssertTrue(est.exact)
            let back = try JPEGCodec.decode(data)
            XCTAssertEqual([back.width, back.height], [16, 16])
        }
        let png = try PNGCodec.encode(img)
        XCTAssertEqual(try PNGCodec.decode(png), img, "PNG is lossless")
        XCTAssertNil(JPEGQuality.estimate(png))
    }
}
