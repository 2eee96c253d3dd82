import Foundation
@testable import Training
import XCTest

final class TensorBoardTests: XCTestCase {
    /// RFC 3720 test vector: CRC-32C of 32 zero bytes is 0x8A9136AA; of "123456789" it is 0xE3069283.
    func testCRC32CKnownValues() {
        XCTAssertEqual(CRC32C.checksum(Data(count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum(Data("123456789".utf8)), 0xE306_9283)
    }

    func testEventFileFramesAndDecodes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-tb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try TensorBoardWriter(folder: dir)
        try w.add(scalars: [("val/accuracy", 0.75)], step: 3)
        let data = try Data(contentsOf: w.url)
        // Walk the records and check both CRCs of each.
        var i = 0, events: [TBEvent] = []
        while i < data.count {
            let lengthBytes = data.subdata(in: i..<(i + 8))
            let length = Int(lengthBytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
            func u32(_ at: Int) -> UInt32 { data.subdata(in: at..<(at + 4)).enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) } }
            XCTAssertEqual(u32(i + 8), CRC32C.masked(lengthBytes))
            let body = data.subdata(in: (i + 12)..<(i + 12 + length))
            XCTAssertEqual(u32(i + 12 + length), CRC32C.masked(body))
            events.append(try TBEvent(serializedBytes: body))
            i += 16 + length
        }
        XCTAssertEqual(events.count, 2)
        XCTAssertEqual(events[0].fileVersion, "brain.Event:2")
        XCTAssertEqual(events[1].step, 3)
        XCTAssertEqual(events[1].summary?.value.first?.tag, "val/accuracy")
        XCTAssertEqual(events[1].summary?.value.first?.simpleValue, 0.75)
    }
}
