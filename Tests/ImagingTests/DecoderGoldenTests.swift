import Foundation
import Imaging
import XCTest

/// Decoders against golden pixels made by Pillow (`scripts/make_image_fixtures.py`): PNG in 8/16-bit,
/// grey, palette and alpha; JPEG colour, grey, CMYK and EXIF-rotated.
final class DecoderGoldenTests: XCTestCase {
    private let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/images")

    func testEveryFixtureDecodesToItsGoldenPixels() throws {
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as? [String: Any])
        let files = try XCTUnwrap(json["files"] as? [String: [String: Any]])
        XCTAssertEqual(files.count, 11)
        for (name, expected) in files.sorted(by: { $0.key < $1.key }) {
            let image = try ImageDecoder.read(dir.appendingPathComponent(name))
            XCTAssertEqual(image.width, expected["width"] as? Int, name)
            XCTAssertEqual(image.height, expected["height"] as? Int, name)
            let rgb = try XCTUnwrap(expected["rgb"] as? [Int]).map(UInt8.init)
            let diffs = zip(image.pixels, rgb).filter { $0 != $1 }.count
            XCTAssertEqual(diffs, 0, "\(name): \(diffs) of \(rgb.count) bytes differ")
        }
    }

    func testOrientationIsReadFromEXIF() throws {
        let data = try Data(contentsOf: dir.appendingPathComponent("jpeg_exif_orient6.jpg"))
        XCTAssertEqual(EXIFOrientation.read(jpeg: data), 6)
        XCTAssertNil(EXIFOrientation.read(jpeg: try Data(contentsOf: dir.appendingPathComponent("jpeg_q75.jpg"))))
    }
}
