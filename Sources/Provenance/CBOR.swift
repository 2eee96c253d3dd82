import Foundation

/// A CBOR data item (RFC 8949), as C2PA claims, assertions and COSE signatures use them.
///
/// `CBOR.decode` reads untrusted bytes with limits (nesting depth, item count, every length checked against what is
/// left) and throws `CBORError` for anything malformed; it never traps. `encoded` writes the canonical (shortest-head)
/// form, which COSE's Sig_structure needs.
public indirect enum CBOR: Equatable, Sendable {
    /// Major type 0: an unsigned integer.
    case unsigned(UInt64)
    /// Major type 1: the integer -1 - n.
    case negative(UInt64)
    /// Major type 2: a byte string.
    case bytes([UInt8])
    /// Major type 3: a UTF-8 text string.
    case text(String)
    /// Major type 4.
    case array([CBOR])
    /// Major type 5, keys in their encoded order.
    case map([Pair])
    /// Major type 6: a tagged item (COSE_Sign1 is tag 18).
    case tagged(UInt64, CBOR)
    /// Major type 7: false, true, null, undefined and other simple values.
    case simple(UInt8)
    /// Major type 7: half, single or double precision floats.
    case float(Double)

    /// One key-value entry of a map.
    public struct Pair: Equatable, Sendable {
        /// The entry's key (any item; C2PA uses text, COSE headers integers).
        public let key: CBOR
        /// The entry's value.
        public let value: CBOR
        /// Creates the entry `key: value`.
        public init(_ key: CBOR, _ value: CBOR) { self.key = key; self.value = value }
    }

    /// The simple values `false` (20), `true` (21), `null` (22) and `undefined` (23).
    public static let `false` = CBOR.simple(20), `true` = CBOR.simple(21), null = CBOR.simple(22), undefined = CBOR.simple(23)

    /// The value under text key `key` of a map (nil for other items or a missing key).
    public subscript(key: String) -> CBOR? {
        guard case let .map(pairs) = self else { return nil }
        return pairs.first { $0.key == .text(key) }?.value
    }

    /// The value under integer key `key` of a map (COSE header labels).
    public subscript(int key: Int) -> CBOR? {
        guard case let .map(pairs) = self else { return nil }
        return pairs.first { $0.key.int == key }?.value
    }

    /// The text of a text string.
    public var string: String? { if case let .text(s) = self { return s } else { return nil } }
    /// The bytes of a byte string.
    public var byteString: [UInt8]? { if case let .bytes(b) = self { return b } else { return nil } }
    /// The items of an array.
    public var items: [CBOR]? { if case let .array(a) = self { return a } else { return nil } }
    /// The value of an integer that fits in `Int`.
    public var int: Int? {
        switch self {
        case let .unsigned(n): return n <= UInt64(Int.max) ? Int(n) : nil
        case let .negative(n): return n < UInt64(Int.max) ? -1 - Int(n) : nil
        default: return nil
        }
    }

    /// Decodes exactly one item filling `bytes`.
    public static func decode(_ bytes: [UInt8], maxDepth: Int = 32, maxItems: Int = 100_000) throws -> CBOR {
        var reader = Reader(bytes: bytes, maxDepth: maxDepth, maxItems: maxItems)
        let item = try reader.item(depth: 0)
        guard reader.position == bytes.count else { throw CBORError.trailingBytes(bytes.count - reader.position) }
        return item
    }

    /// The item's encoding, each head in its shortest form (definite lengths).
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    private func encode(into out: inout [UInt8]) {
        switch self {
        case let .unsigned(n): Self.head(0, n, into: &out)
        case let .negative(n): Self.head(1, n, into: &out)
        case let .bytes(b): Self.head(2, UInt64(b.count), into: &out); out += b
        case let .text(s): Self.head(3, UInt64(s.utf8.count), into: &out); out += Array(s.utf8)
        case let .array(a): Self.head(4, UInt64(a.count), into: &out); for x in a { x.encode(into: &out) }
        case let .map(m): Self.head(5, UInt64(m.count), into: &out); for p in m { p.key.encode(into: &out); p.value.encode(into: &out) }
        case let .tagged(t, x): Self.head(6, t, into: &out); x.encode(into: &out)
        case let .simple(v): if v < 24 { out.append(0xE0 | v) } else { out += [0xF8, v] }
        case let .float(d): out.append(0xFB); withUnsafeBytes(of: d.bitPattern.bigEndian) { out += $0 }
        }
    }

    private static func head(_ major: UInt8, _ value: UInt64, into out: inout [UInt8]) {
        let m = major << 5
        switch value {
        case 0..<24: out.append(m | UInt8(value))
        case 24...0xFF: out += [m | 24, UInt8(value)]
        case 0x100...0xFFFF: out.append(m | 25); withUnsafeBytes(of: UInt16(value).bigEndian) { out += $0 }
        case 0x1_0000...0xFFFF_FFFF: out.append(m | 26); withUnsafeBytes(of: UInt32(value).bigEndian) { out += $0 }
        default: out.append(m | 27); withUnsafeBytes(of: value.bigEndian) { out += $0 }
        }
    }

    /// A bounded, checked reader over untrusted bytes.
    private struct Reader {
        let bytes: [UInt8]
        let maxDepth: Int
        var itemsLeft: Int
        var position = 0

        init(bytes: [UInt8], maxDepth: Int, maxItems: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
            itemsLeft = maxItems
        }

        mutating func byte() throws -> UInt8 {
            guard position < bytes.count else { throw CBORError.truncated }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func take(_ count: UInt64) throws -> [UInt8] {
            guard count <= UInt64(bytes.count - position) else { throw CBORError.truncated }
            let n = Int(count)
            defer { position += n }
            return Array(bytes[position..<position + n])
        }

        mutating func uint(_ size: Int) throws -> UInt64 {
            var v: UInt64 = 0
            for _ in 0..<size { v = v << 8 | UInt64(try byte()) }
            return v
        }

        /// The argument of a head whose low five bits are `info`; nil for an indefinite length (31).
        mutating func argument(_ info: UInt8) throws -> UInt64? {
            switch info {
            case 0..<24: return UInt64(info)
            case 24: return try uint(1)
            case 25: return try uint(2)
            case 26: return try uint(4)
            case 27: return try uint(8)
            case 31: return nil
            default: throw CBORError.reservedValue(info)
            }
        }

        mutating func item(depth: Int) throws -> CBOR {
            guard depth <= maxDepth else { throw CBORError.tooDeep(maxDepth) }
            itemsLeft -= 1
            guard itemsLeft >= 0 else { throw CBORError.tooManyItems }
            let initial = try byte()
            let major = initial >> 5, info = initial & 0x1F
            if major == 7 { return try simpleOrFloat(info) }
            let arg = try argument(info)
            switch major {
            case 0: return .unsigned(try definite(arg))
            case 1: return .negative(try definite(arg))
            case 2: return .bytes(try string(arg, major: 2, depth: depth))
            case 3:
                guard let s = String(validating: try string(arg, major: 3, depth: depth), as: UTF8.self) else { throw CBORError.invalidUTF8 }
                return .text(s)
            case 4:
                var a: [CBOR] = []
                if let n = arg {
                    guard n <= UInt64(bytes.count - position) else { throw CBORError.truncated }   // each item takes a byte
                    for _ in 0..<n { a.append(try item(depth: depth + 1)) }
                } else {
                    while try !atBreak() { a.append(try item(depth: depth + 1)) }
                }
                return .array(a)
            case 5:
                var m: [Pair] = []
                if let n = arg {
                    guard n <= UInt64(bytes.count - position) / 2 else { throw CBORError.truncated }
                    for _ in 0..<n { m.append(Pair(try item(depth: depth + 1), try item(depth: depth + 1))) }
                } else {
                    while try !atBreak() { m.append(Pair(try item(depth: depth + 1), try item(depth: depth + 1))) }
                }
                return .map(m)
            default:   // 6
                return .tagged(try definite(arg), try item(depth: depth + 1))
            }
        }

        func definite(_ arg: UInt64?) throws -> UInt64 {
            guard let arg else { throw CBORError.unexpectedIndefinite }
            return arg
        }

        /// A definite string's bytes, or an indefinite one's definite chunks of the same major type joined.
        mutating func string(_ arg: UInt64?, major: UInt8, depth: Int) throws -> [UInt8] {
            if let n = arg { return try take(n) }
            var out: [UInt8] = []
            while try !atBreak() {
                let initial = try byte()
                guard initial >> 5 == major, let n = try argument(initial & 0x1F) else { throw CBORError.badChunk }
                out += try take(n)
            }
            return out
        }

        /// Consumes a break byte (0xFF) if one is next.
        mutating func atBreak() throws -> Bool {
            guard position < bytes.count else { throw CBORError.truncated }
            if bytes[position] == 0xFF { position += 1; return true }
            return false
        }

        mutating func simpleOrFloat(_ info: UInt8) throws -> CBOR {
            switch info {
            case 0..<24: return .simple(info)
            case 24:
                let v = try byte()
                guard v >= 32 else { throw CBORError.reservedValue(v) }
                return .simple(v)
            case 25: return .float(Double(Float16Bits(UInt16(try uint(2))).value))
            case 26: return .float(Double(Float(bitPattern: UInt32(try uint(4)))))
            case 27: return .float(Double(bitPattern: try uint(8)))
            case 31: throw CBORError.unexpectedBreak
            default: throw CBORError.reservedValue(info)
            }
        }
    }
}

/// IEEE 754 half precision, decoded by hand (Float16 is not available on every platform Swift builds for).
private struct Float16Bits {
    let bits: UInt16
    init(_ bits: UInt16) { self.bits = bits }
    var value: Float {
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int(bits >> 10 & 0x1F), fraction = Float(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * powf(2, -24)
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * powf(2, Float(exponent - 15))
        }
    }
}

/// Why bytes are not one well-formed CBOR item.
public enum CBORError: Error, Equatable, CustomStringConvertible {
    /// The bytes end inside an item (or a length runs past them).
    case truncated
    /// This many bytes follow the one top-level item.
    case trailingBytes(Int)
    /// A reserved additional-information value (28...30), or a two-byte simple value below 32 (the value given).
    case reservedValue(UInt8)
    /// An indefinite length where a definite number is needed (e.g. on an integer or tag).
    case unexpectedIndefinite
    /// A break byte (0xFF) outside an indefinite-length item.
    case unexpectedBreak
    /// A chunk of an indefinite-length string is not a definite string of the same major type.
    case badChunk
    /// A text string is not valid UTF-8.
    case invalidUTF8
    /// Items are nested deeper than this limit.
    case tooDeep(Int)
    /// The bytes hold more items than the decoder's limit.
    case tooManyItems

    /// A one-line message starting with "CBOR:".
    public var description: String {
        switch self {
        case .truncated: return "CBOR: truncated item"
        case let .trailingBytes(n): return "CBOR: \(n) bytes after the item"
        case let .reservedValue(v): return "CBOR: reserved value \(v)"
        case .unexpectedIndefinite: return "CBOR: indefinite length where a number is needed"
        case .unexpectedBreak: return "CBOR: break outside an indefinite-length item"
        case .badChunk: return "CBOR: bad chunk in an indefinite-length string"
        case .invalidUTF8: return "CBOR: text string is not UTF-8"
        case let .tooDeep(d): return "CBOR: nested deeper than \(d)"
        case .tooManyItems: return "CBOR: too many items"
        }
    }
}
