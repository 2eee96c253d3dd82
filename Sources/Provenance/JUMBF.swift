import Foundation

/// A box of a JUMBF tree (ISO/IEC 19566-5), the container C2PA keeps manifests in.
///
/// Every box is `LBox` (u32 BE, the whole box's length; 1: a u64 `XLBox` follows; 0: to the end of the parent),
/// `TBox` (four ASCII bytes), then its payload. A superbox (`jumb`) holds a description box (`jumd`: a 16-byte type
/// UUID, toggles, then an optional NUL-terminated label, ID, 32-byte hash and private box) and child boxes. Ranges are
/// offsets into the bytes `parse` was given.
public struct JUMBFBox: Sendable {
    /// The four-character box type (`jumb`, `jumd`, `cbor`, `json`, `bidb`, ...).
    public let type: String
    /// The whole box, header included.
    public let range: Range<Int>
    /// The payload, after the header. For a superbox: its description box and children, which is what C2PA's hashed
    /// URIs hash.
    public let payload: Range<Int>
    /// A superbox's description.
    public let description: Description?
    /// A superbox's children after its description box.
    public let children: [JUMBFBox]

    /// A superbox's `jumd` contents.
    public struct Description: Sendable {
        /// The 16-byte type UUID (C2PA's are `XXXXXXXX-0011-0010-8000-00AA00389B71`, the first four bytes ASCII).
        public let uuid: [UInt8]
        /// The toggles byte (ISO 19566-5): bit 0x02 set means a label follows; the other bits are kept, not read.
        public let toggles: UInt8
        /// The NUL-terminated UTF-8 label, when the toggles say there is one.
        public let label: String?
        /// The four ASCII bytes that open the UUID (`c2pa`, `c2ma`, `c2as`, `c2cl`, `c2cs`, `cbor`, `json`, ...).
        public var tag: String { String(decoding: uuid.prefix(4), as: UTF8.self) }
    }

    /// The label of a superbox.
    public var label: String? { description?.label }

    /// The first child superbox labelled `label`.
    public func child(labelled label: String) -> JUMBFBox? { children.first { $0.label == label } }

    /// The first child of plain box type `type` (e.g. the `cbor` box of an assertion).
    public func content(ofType type: String) -> JUMBFBox? { children.first { $0.type == type } }

    /// Parses the one box (normally a `jumb` superbox) filling `bytes`. Limits: nesting depth 16, 10,000 boxes.
    public static func parse(_ bytes: [UInt8]) throws -> JUMBFBox {
        var budget = 10_000
        let boxes = try parseBoxes(bytes, in: 0..<bytes.count, depth: 0, budget: &budget)
        guard boxes.count == 1 else { throw JUMBFError.malformed("expected one top-level box, found \(boxes.count)") }
        return boxes[0]
    }

    private static func parseBoxes(_ b: [UInt8], in range: Range<Int>, depth: Int, budget: inout Int) throws -> [JUMBFBox] {
        guard depth <= 16 else { throw JUMBFError.malformed("boxes nested deeper than 16") }
        var out: [JUMBFBox] = []
        var at = range.lowerBound
        while at < range.upperBound {
            budget -= 1
            guard budget >= 0 else { throw JUMBFError.malformed("more than 10,000 boxes") }
            guard range.upperBound - at >= 8 else { throw JUMBFError.malformed("truncated box header at \(at)") }
            let lbox = Int(readUInt32(b, at))
            let type = String(decoding: b[(at + 4)..<(at + 8)], as: UTF8.self)
            var header = 8, length: Int
            switch lbox {
            case 0: length = range.upperBound - at
            case 1:
                guard range.upperBound - at >= 16 else { throw JUMBFError.malformed("truncated XLBox at \(at)") }
                let xl = UInt64(readUInt32(b, at + 8)) << 32 | UInt64(readUInt32(b, at + 12))
                guard xl >= 16, xl <= UInt64(range.upperBound - at) else { throw JUMBFError.malformed("box '\(type)' at \(at) overruns its parent") }
                header = 16
                length = Int(xl)
            case 2..<8: throw JUMBFError.malformed("box '\(type)' at \(at) has length \(lbox)")
            default: length = lbox
            }
            guard length <= range.upperBound - at else { throw JUMBFError.malformed("box '\(type)' at \(at) overruns its parent") }
            let whole = at..<(at + length), payload = (at + header)..<(at + length)
            if type == "jumb" {
                let inner = try parseBoxes(b, in: payload, depth: depth + 1, budget: &budget)
                guard let first = inner.first, first.type == "jumd" else { throw JUMBFError.malformed("superbox at \(at) does not start with jumd") }
                out.append(JUMBFBox(type: type, range: whole, payload: payload, description: try describe(b, first.payload),
                                    children: Array(inner.dropFirst())))
            } else {
                out.append(JUMBFBox(type: type, range: whole, payload: payload, description: nil, children: []))
            }
            at += length
        }
        return out
    }

    /// A `jumd` payload.
    private static func describe(_ b: [UInt8], _ r: Range<Int>) throws -> Description {
        guard r.count >= 17 else { throw JUMBFError.malformed("description box of \(r.count) bytes") }
        let uuid = Array(b[r.lowerBound..<(r.lowerBound + 16)]), toggles = b[r.lowerBound + 16]
        var label: String?
        if toggles & 0x02 != 0 {
            let start = r.lowerBound + 17
            guard let end = b[start..<r.upperBound].firstIndex(of: 0) else { throw JUMBFError.malformed("unterminated label") }
            guard let s = String(validating: b[start..<end], as: UTF8.self) else { throw JUMBFError.malformed("label is not UTF-8") }
            label = s
        }
        return Description(uuid: uuid, toggles: toggles, label: label)
    }

    static func readUInt32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }
}

/// A malformed JUMBF tree.
public enum JUMBFError: Error, Equatable, CustomStringConvertible {
    /// The box structure is broken; the text says how.
    case malformed(String)
    /// "JUMBF: <why>".
    public var description: String {
        switch self {
        case let .malformed(why): return "JUMBF: \(why)"
        }
    }
}
