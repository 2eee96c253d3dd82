import Foundation

/// A strict reader of `multipart/form-data` bodies (RFC 7578 on RFC 2046 framing), for `POST /v1/classify`.
///
/// MultipartKit 4.7.1, the listed package, traps on hostile bodies: its header-name check indexes a 128-entry table
/// with the raw byte, so a byte >= 0x80 where it expects a header name stops the process (found by
/// `Fuzz/FuzzMultipart`; the inputs are in `Tests/Fixtures/fuzz/FuzzMultipart`). Its preamble matcher also takes
/// strings such as `-fuzz` for a delimiter. This reader accepts only the standard framing:
/// an optional preamble, then `--BOUNDARY`, parts separated by `CRLF--BOUNDARY`, the last closed by `--`; each part
/// is CRLF-separated `Name: value` header lines with ASCII token names, an empty line, then the body.
public enum MultipartBody {
    /// One part: its headers of interest and its bytes.
    public struct Part: Sendable {
        /// `name` of its `Content-Disposition`.
        public var name: String?
        /// `filename` of its `Content-Disposition`.
        public var filename: String?
        /// Its `Content-Type`, if sent.
        public var contentType: String?
        /// The part's body bytes.
        public var data: Data
    }

    /// Why a body was refused: broken framing or headers (`malformed`, with the reason), or more parts than allowed.
    public enum Failure: Error, Equatable {
        /// Broken framing, headers or boundary, with the reason.
        case malformed(String)
        /// The body has more than `limit` parts.
        case tooManyParts(limit: Int)
    }

    /// The parts of `body`, in order. Throws `.malformed` for broken framing or headers and `.tooManyParts` past
    /// `maxParts` parts (counted before any part is copied).
    public static func parts(of body: Data, boundary: String, maxParts: Int = .max) throws -> [Part] {
        guard (1...70).contains(boundary.utf8.count), boundary.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw Failure.malformed("boundary must be 1-70 printable ASCII characters")
        }
        let bytes = [UInt8](body)
        let dashBoundary = Array("--\(boundary)".utf8), delimiter = Array("\r\n--\(boundary)".utf8)
        // The first delimiter may open the body or follow a preamble line.
        var cursor: Int
        if bytes.starts(with: dashBoundary) {
            cursor = dashBoundary.count
        } else if let at = find(delimiter, in: bytes, from: 0) {
            cursor = at + delimiter.count
        } else {
            throw Failure.malformed("no boundary line")
        }
        var spans: [Range<Int>] = []
        while true {
            if bytes[cursor...].starts(with: [0x2D, 0x2D]) { break }  // "--": the closing delimiter
            // Transport padding, then CRLF, begins the part.
            while cursor < bytes.count, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
            guard bytes[cursor...].starts(with: [0x0D, 0x0A]) else { throw Failure.malformed("boundary line not ended by CRLF") }
            guard let end = find(delimiter, in: bytes, from: cursor + 2) else { throw Failure.malformed("no closing boundary") }
            spans.append((cursor + 2)..<end)
            guard spans.count <= maxParts else { throw Failure.tooManyParts(limit: maxParts) }
            cursor = end + delimiter.count
        }
        return try spans.map { try part(bytes, $0) }
    }

    private static func part(_ bytes: [UInt8], _ span: Range<Int>) throws -> Part {
        var part = Part(data: Data())
        var line = span.lowerBound
        while true {
            guard let crlf = find([0x0D, 0x0A], in: bytes, from: line), crlf < span.upperBound || (crlf == span.upperBound && line == crlf) else {
                throw Failure.malformed("part headers not ended by an empty line")
            }
            if crlf == line { line += 2; break }  // the empty line
            let text = bytes[line..<crlf]
            guard let colon = text.firstIndex(of: UInt8(ascii: ":")), colon > line,
                  bytes[line..<colon].allSatisfy(isTokenCharacter) else {
                throw Failure.malformed("bad part header line")
            }
            let name = String(decoding: bytes[line..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: bytes[(colon + 1)..<crlf], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            switch name {
            case "content-disposition":
                part.name = parameter("name", in: value)
                part.filename = parameter("filename", in: value)
            case "content-type":
                part.contentType = value
            default:
                break
            }
            line = crlf + 2
        }
        part.data = line <= span.upperBound ? Data(bytes[line..<span.upperBound]) : Data()
        return part
    }

    /// A `key=value` or `key="value"` parameter of a header value (UTF-8 file names pass as sent).
    static func parameter(_ key: String, in value: String) -> String? {
        for item in value.split(separator: ";").dropFirst() {
            let pair = item.trimmingCharacters(in: .whitespaces)
            guard let eq = pair.firstIndex(of: "="), pair[..<eq].lowercased() == key else { continue }
            var v = String(pair[pair.index(after: eq)...])
            if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }

    /// RFC 9110 token characters (header field names).
    private static func isTokenCharacter(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(b)
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, from >= 0, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var i = from
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
