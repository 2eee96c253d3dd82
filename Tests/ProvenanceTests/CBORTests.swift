import Provenance
import XCTest

/// The CBOR reader on RFC 8949 Appendix A's examples, and on malformed input.
final class CBORTests: XCTestCase {
    private func hex(_ s: String) -> [UInt8] {
        stride(from: 0, to: s.count, by: 2).map { UInt8(s.dropFirst($0).prefix(2), radix: 16)! }
    }

    func testAppendixAExamples() throws {
        let cases: [(String, CBOR)] = [
            ("00", .unsigned(0)), ("17", .unsigned(23)), ("1818", .unsigned(24)), ("1864", .unsigned(100)),
            ("1a000f4240", .unsigned(1_000_000)), ("1bffffffffffffffff", .unsigned(.max)),
            ("20", .negative(0)), ("3903e7", .negative(999)),
            ("40", .bytes([])), ("4401020304", .bytes([1, 2, 3, 4])),
            ("60", .text("")), ("6161", .text("a")), ("62c3bc", .text("ü")), ("63e6b0b4", .text("水")),
            ("83010203", .array([.unsigned(1), .unsigned(2), .unsigned(3)])),
            ("a201020304", .map([.init(.unsigned(1), .unsigned(2)), .init(.unsigned(3), .unsigned(4))])),
            ("d8184568656c6c6f", .tagged(24, .bytes(Array("hello".utf8)))),
            ("f4", .false), ("f5", .true), ("f6", .null), ("f7", .undefined), ("f820", .simple(32)),
            ("f93c00", .float(1)), ("f9c400", .float(-4)), ("f97c00", .float(.infinity)), ("fa47c35000", .float(100_000)),
            ("fb3ff199999999999a", .float(1.1)),
            ("5f42010243030405ff", .bytes([1, 2, 3, 4, 5])), ("7f657374726561646d696e67ff", .text("streaming")),
            ("9f018202039f0405ffff", .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])])),
            ("bf6346756ef563416d7421ff", .map([.init(.text("Fun"), .true), .init(.text("Amt"), .negative(1))])),
        ]
        for (h, expected) in cases { XCTAssertEqual(try CBOR.decode(hex(h)), expected, h) }
        // Definite-length items encode back to the same bytes (shortest heads).
        for h in ["00", "1864", "1bffffffffffffffff", "3903e7", "4401020304", "63e6b0b4", "83010203", "a201020304", "d8184568656c6c6f", "f6", "fb3ff199999999999a"] {
            XCTAssertEqual(try CBOR.decode(hex(h)).encoded, hex(h), h)
        }
        let m = try CBOR.decode(hex("a2016161636b6579f5"))   // {1: "a", "key": true}
        XCTAssertEqual(m[int: 1]?.string, "a")
        XCTAssertEqual(m["key"], .true)
        XCTAssertNil(m["missing"])
        XCTAssertEqual(CBOR.negative(36).int, -37)
    }

    func testMalformedInputIsAnErrorNeverATrap() {
        let bad: [(String, CBORError)] = [
            ("", .truncated), ("18", .truncated), ("62c3", .truncated), ("8301", .truncated), ("a1", .truncated),
            ("0000", .trailingBytes(1)), ("1c", .reservedValue(28)), ("ff", .unexpectedBreak),
            ("62fffe", .invalidUTF8), ("5f01ff", .badChunk), ("9f01", .truncated), ("1f", .unexpectedIndefinite),
            ("9b7fffffffffffffff", .truncated), ("bb7fffffffffffffff", .truncated),
            ("5b7fffffffffffffff00", .truncated), ("f801", .reservedValue(1)),
        ]
        for (h, expected) in bad {
            XCTAssertThrowsError(try CBOR.decode(hex(h)), h) { XCTAssertEqual($0 as? CBORError, expected, h) }
        }
        let deep = [UInt8](repeating: 0x81, count: 100) + [0x00]
        XCTAssertThrowsError(try CBOR.decode(deep)) { XCTAssertEqual($0 as? CBORError, .tooDeep(32)) }
        XCTAssertThrowsError(try CBOR.decode([0x84, 0, 0, 0, 0], maxItems: 3)) { XCTAssertEqual($0 as? CBORError, .tooManyItems) }
    }
}
