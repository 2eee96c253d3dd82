@testable import Data
import Foundation
import TestSupport
import XCTest

final class TarTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-tar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testRoundTripPlainAndGzipWithLongNames() throws {
        let long = String(repeating: "d", count: 80) + "/" + String(repeating: "e", count: 60) + "/REAL/x.jpg"
        var w = TarWriter()
        try w.add(name: "train/REAL/a.jpg", data: Data([1, 2, 3]))
        try w.add(name: long, data: Data(count: 1000))
        try w.add(name: "train/FAKE/empty.jpg", data: Data())
        for name in ["a.tar", "a.tar.gz"] {
            let url = dir.appendingPathComponent(name)
            try w.write(to: url)
            let members = Array(try TarReader(url: url))
            XCTAssertEqual(members.map(\.name), ["train/REAL/a.jpg", long, "train/FAKE/empty.jpg"], name)
            XCTAssertEqual(members.map(\.data.count), [3, 1000, 0])
            XCTAssertEqual(members[0].data, Data([1, 2, 3]))
        }
        // System tar agrees with our writer.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        p.arguments = ["-tzf", dir.appendingPathComponent("a.tar.gz").path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").count, 3)
    }

    /// Generated files land in a shard or a label folder, and both read back with their label.
    func testLabelledFilesAsShardOrFolder() throws {
        let files = [(name: "g-1.jpg", data: Data([1, 2])), (name: "g-2.jpg", data: Data([3]))]
        let shard = dir.appendingPathComponent("gan.tar.gz").path
        try ShardWriter.writeLabelled(files, label: "FAKE", group: "gan", to: shard)
        XCTAssertEqual(Array(try TarReader(url: URL(fileURLWithPath: shard))).map(\.name), ["gan/FAKE/g-1.jpg", "gan/FAKE/g-2.jpg"])
        let folder = dir.appendingPathComponent("out").path
        try ShardWriter.writeLabelled(files, label: "GAN", group: "gan", to: folder)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/GAN/g-2.jpg")), Data([3]))
        var labels: [String] = []
        try DatasetSource(paths: [shard, folder]).forEach { item, bytes in if case .success = bytes { labels.append(item.label) } }
        XCTAssertEqual(labels.sorted(), ["FAKE", "FAKE", "GAN", "GAN"])
    }

    func testDamagedArchivesAreErrorsNotCrashes() throws {
        var w = TarWriter()
        try w.add(name: "x/REAL/a.jpg", data: Data(count: 2000))
        var bytes = w.finished()
        bytes[20] ^= 0xFF  // inside the first header: checksum no longer matches
        let bad = dir.appendingPathComponent("bad.tar")
        try bytes.write(to: bad)
        XCTAssertThrowsError(try TarReader(url: bad).nextMember()) { XCTAssertTrue("\($0)".contains("checksum"), "\($0)") }

        let truncated = dir.appendingPathComponent("cut.tar.gz")
        let gz = try Gzip.compress(w.finished())
        try gz.prefix(gz.count / 2).write(to: truncated)
        XCTAssertThrowsError(try Array(DatasetSource(paths: [truncated.path]).forEachCount())) { XCTAssertTrue($0 is DataError, "\($0)") }

        let missing = dir.appendingPathComponent("none.tar")
        XCTAssertThrowsError(try DatasetSource(paths: [missing.path])) { XCTAssertEqual("\($0)", "\(missing.path): cannot read: no such file or folder") }
    }
}

extension DatasetSource {
    /// Number of items, with errors thrown.
    func forEachCount() throws -> [Int] {
        var n = 0
        try forEach { _, _ in n += 1 }
        return [n]
    }
}
