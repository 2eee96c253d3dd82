import Foundation

/// One regular file inside a tar archive.
public struct TarMember: Sendable {
    /// Path inside the archive (pax / GNU long names resolved).
    public let name: String
    /// The file's bytes (decompressed when the archive was gzip-compressed).
    public let data: Data
}

/// Streams the regular files of a POSIX (ustar / pax / GNU) tar, optionally gzip-compressed,
/// without extracting it — a WebDataset-style shard. Directory and link entries are skipped.
public final class TarReader: IteratorProtocol, Sequence {
    private let stream: ByteStream
    private let path: String
    /// Set when iteration stopped on a damaged archive (the members before it were returned).
    public private(set) var error: DataError?
    /// The last regular file read, to say where damage starts.
    private var lastMember: String?

    /// Opens the archive at `url` (gzip detected from its first bytes).
    /// - Throws: `DataError.unreadable` when the file cannot be opened, `DataError.corruptArchive` when zlib will not start.
    public init(url: URL) throws {
        stream = try ByteStream(url: url)
        path = url.path
    }

    /// The next regular file, or nil at the end (or on error, see `error`).
    public func next() -> TarMember? {
        do { return try nextMember() } catch let e as DataError { error = e; return nil } catch {
            self.error = .corruptArchive(path: path, reason: "\(error)")
            return nil
        }
    }

    /// The next regular file; throws on a damaged archive.
    ///
    /// The error names where the damage is: the member whose data it cut, or the last good member before it.
    public func nextMember() throws -> TarMember? {
        var longName: String?
        while true {
            let where_ = lastMember.map { "after member \($0)" } ?? "at the first member"
            let header: Data
            do { header = try stream.readExactly(512) } catch let e as DataError { throw e.located(where_) }
            if header.isEmpty { return nil }
            guard header.count == 512 else { throw DataError.corruptArchive(path: path, reason: "truncated header \(where_)") }
            if header.withUnsafeBytes({ raw in raw.allSatisfy { $0 == 0 } }) { return nil }
            do { try verifyChecksum(header) } catch let e as DataError { throw e.located(where_) }
            let size = try Self.number(header, 124, 12, path: path)
            let type = header[header.startIndex + 156]
            let padded = (size + 511) / 512 * 512
            let member = longName ?? Self.ustarName(header)
            guard size >= 0, size < 1 << 34 else { throw DataError.corruptArchive(path: path, reason: "member \(member): size \(size)") }
            let body: Data
            do { body = try stream.readExactly(padded) } catch let e as DataError { throw e.located("in member \(member)") }
            guard body.count == padded else { throw DataError.corruptArchive(path: path, reason: "member \(member): data truncated") }
            if type == 0 || type == UInt8(ascii: "0") || type == UInt8(ascii: "7") { lastMember = member }
            let content = body.prefix(size)
            switch type {
            case UInt8(ascii: "x"):
                longName = Self.paxPath(content) ?? longName
            case UInt8(ascii: "L"):
                longName = String(decoding: content.prefix { $0 != 0 }, as: UTF8.self)
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
                let name = longName ?? Self.ustarName(header)
                return TarMember(name: name, data: Data(content))
            default:
                longName = nil  // directories, links, global headers: skipped
            }
        }
    }

    private func verifyChecksum(_ h: Data) throws {
        let stored = try Self.number(h, 148, 8, path: path)
        let sum = h.withUnsafeBytes { raw in
            raw.enumerated().reduce(0) { $0 + ((148..<156).contains($1.offset) ? 32 : Int($1.element)) }
        }
        guard sum == stored else { throw DataError.corruptArchive(path: path, reason: "header checksum mismatch") }
    }

    static func field(_ h: Data, _ offset: Int, _ length: Int) -> Data {
        let s = h.startIndex + offset
        return h[s..<(s + length)]
    }

    /// An octal (or GNU base-256) number field.
    static func number(_ h: Data, _ offset: Int, _ length: Int, path: String) throws -> Int {
        let f = field(h, offset, length)
        if let first = f.first, first & 0x80 != 0 {
            return f.dropFirst().reduce(Int(first & 0x7F)) { $0 << 8 | Int($1) }
        }
        let text = String(decoding: f.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return 0 }
        guard let v = Int(text, radix: 8) else { throw DataError.corruptArchive(path: path, reason: "bad number field '\(text)'") }
        return v
    }

    static func ustarName(_ h: Data) -> String {
        let name = String(decoding: field(h, 0, 100).prefix { $0 != 0 }, as: UTF8.self)
        let magic = field(h, 257, 5)
        guard magic.elementsEqual("ustar".utf8) else { return name }
        let prefix = String(decoding: field(h, 345, 155).prefix { $0 != 0 }, as: UTF8.self)
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// The `path` record of a pax extended header ("<len> path=<value>\n" records).
    static func paxPath(_ content: Data) -> String? {
        let text = String(decoding: content, as: UTF8.self)
        for record in text.split(separator: "\n") {
            guard let space = record.firstIndex(of: " ") else { continue }
            let kv = record[record.index(after: space)...]
            if kv.hasPrefix("path=") { return String(kv.dropFirst(5)) }
        }
        return nil
    }
}

/// Writes a reproducible ustar archive (mode 0644, uid/gid 0, mtime 0, sorted order is the caller's),
/// gzip-compressed when the name ends in `.gz`.
public struct TarWriter {
    private var body = Data()

    /// Starts an empty archive.
    public init() {}

    /// Appends a regular file. Names longer than 100 bytes use the ustar prefix field (up to 255).
    public mutating func add(name: String, data: Data) throws {
        var (prefix, base) = ("", name)
        if name.utf8.count > 100 {
            guard let cut = name.utf8.indices.filter({ name.utf8[$0] == UInt8(ascii: "/") })
                .last(where: { name.utf8.distance(from: name.utf8.startIndex, to: $0) <= 155 }) else {
                throw DataError.invalidArgument("tar member name too long: \(name)")
            }
            prefix = String(name[..<cut]); base = String(name[name.index(after: cut)...])
            guard base.utf8.count <= 100 else { throw DataError.invalidArgument("tar member name too long: \(name)") }
        }
        var h = Data(count: 512)
        func put(_ s: String, _ offset: Int, _ length: Int) {
            for (i, b) in s.utf8.prefix(length).enumerated() { h[offset + i] = b }
        }
        func octal(_ v: Int, _ offset: Int, _ length: Int) {
            put(String(repeating: "0", count: max(0, length - 1 - String(v, radix: 8).count)) + String(v, radix: 8), offset, length - 1)
        }
        put(base, 0, 100)
        octal(0o644, 100, 8); octal(0, 108, 8); octal(0, 116, 8)
        octal(data.count, 124, 12); octal(0, 136, 12)
        put("        ", 148, 8)
        h[156] = UInt8(ascii: "0")
        put("ustar", 257, 6); put("00", 263, 2)
        put(prefix, 345, 155)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(String(repeating: "0", count: 6 - String(sum, radix: 8).count) + String(sum, radix: 8), 148, 6)
        h[154] = 0; h[155] = UInt8(ascii: " ")
        body.append(h)
        body.append(data)
        body.append(Data(count: (512 - data.count % 512) % 512))
    }

    /// The finished archive bytes (two zero blocks appended).
    public func finished() -> Data { body + Data(count: 1024) }

    /// Writes the archive atomically to `url` (gzip when the name ends in `.gz`).
    public func write(to url: URL) throws {
        let tar = finished()
        let bytes = url.pathExtension == "gz" ? try Gzip.compress(tar) : tar
        try bytes.write(to: url, options: .atomic)
    }
}
