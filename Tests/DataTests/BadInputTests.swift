import Data
import Foundation
import Imaging
import TestSupport
import XCTest

/// The hostile-input corpus (`Tests/Fixtures/bad`, made by `scripts/make_image_fixtures.py`) plus
/// cases made here: a directory named `x.jpg`, a dangling link, and (when not root) a file without
/// read permission. Every bad input is a named, counted error; the good images still load.
final class BadInputTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/bad")
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-bad-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixtures, to: dir)
        let real = dir.appendingPathComponent("REAL")
        try FileManager.default.createDirectory(at: real.appendingPathComponent("x.jpg"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: real.appendingPathComponent("dangling.png").path, withDestinationPath: "/nonexistent/target.png")
        let locked = real.appendingPathComponent("locked.jpg")
        try FileManager.default.copyItem(at: real.appendingPathComponent("good1.jpg"), to: locked)
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: locked.path)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Root reads files whatever their mode, so `locked.jpg` is a good image when the tests run as root.
    private var lockedIsReadable: Bool { getuid() == 0 }

    func testLoadingAMixedFolderYieldsTheGoodImagesAndNamesEveryBadOne() throws {
        let ds = try DecodedDataset.load(DatasetSource(paths: [dir.path]), size: 8)
        let good = lockedIsReadable ? 3 : 2
        XCTAssertEqual(ds.count, good)
        let failed = Set(ds.failures.map { ($0.path as NSString).lastPathComponent })
        var expected: Set<String> = ["truncated.jpg", "truncated.png", "random.jpg", "empty.png", "huge_header.png", "text.jpg", "bad_crc.png", "x.jpg", "dangling.png"]
        if !lockedIsReadable { expected.insert("locked.jpg") }
        XCTAssertEqual(failed, expected)
        for f in ds.failures { XCTAssertTrue(f.error.hasPrefix(f.path), "error names its file: \(f.error)") }
    }

    func testInspectCountsErrorsByKind() throws {
        let r = try DatasetReport.inspect(DatasetSource(paths: [dir.path]))
        XCTAssertEqual(r.total, 12)
        XCTAssertEqual(r.unreadable, lockedIsReadable ? 9 : 10)
        XCTAssertEqual(r.errors["too-large"], 1, "\(r.errors)")
        XCTAssertEqual(r.errors["empty"], 1)
        XCTAssertEqual(r.errors["unknown-format"], 2, "random bytes and text")
        XCTAssertEqual(r.errors["corrupt"], 3, "truncated JPEG, truncated PNG, bad PNG data")
        XCTAssertEqual(r.errors["unreadable"], lockedIsReadable ? 2 : 3, "directory, dangling link, no permission")
    }

    func testDecompressionBombIsRefusedFromTheHeader() throws {
        let data = try Data(contentsOf: dir.appendingPathComponent("REAL/huge_header.png"))
        XCTAssertThrowsError(try ImageDecoder.decode(data, path: "bomb.png")) {
            XCTAssertEqual($0 as? ImageError, .tooLarge(path: "bomb.png", width: 100_000, height: 100_000, limit: JPEGCodec.defaultMaxPixels))
        }
        // A configurable limit also refuses a real image above it.
        let good = try Data(contentsOf: dir.appendingPathComponent("REAL/good1.jpg"))
        XCTAssertThrowsError(try ImageDecoder.decode(good, path: "g.jpg", maxPixels: 10)) {
            guard case .tooLarge = $0 as? ImageError else { return XCTFail("\($0)") }
        }
    }
}
