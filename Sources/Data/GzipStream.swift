import CZlib
import Foundation

/// Reads a file as a byte stream, inflating it with zlib when it is gzip-compressed (detected from
/// its magic bytes; concatenated gzip members are read in turn). Memory stays bounded by the chunk size.
final class ByteStream {
    private let handle: FileHandle
    private let path: String
    private var input = Data()
    private var inputOffset = 0
    private var stream = z_stream()
    private let gzip: Bool
    private var finished = false
    private var inflating = false
    private static let chunk = 1 << 20

    init(url: URL) throws {
        path = url.path
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw DataError.unreadable(path: url.path, reason: "cannot open (\(error.localizedDescription))")
        }
        let head = handle.readData(ofLength: 2)
        gzip = head.count == 2 && head[head.startIndex] == 0x1F && head[head.startIndex + 1] == 0x8B
        input = head
        if gzip {
            guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw DataError.corruptArchive(path: path, reason: "zlib would not start")
            }
            inflating = true
        }
    }

    deinit {
        if inflating { inflateEnd(&stream) }
        try? handle.close()
    }

    /// Fills `buffer` with up to `count` bytes; returns how many (0 at the end).
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        if !gzip { return readRaw(into: buffer, count: count) }
        var produced = 0
        while produced < count && !finished {
            if inputOffset >= input.count {
                input = handle.readData(ofLength: Self.chunk)
                inputOffset = 0
                if input.isEmpty { throw DataError.corruptArchive(path: path, reason: "gzip stream ends early") }
            }
            let (status, used, made) = input.withUnsafeBytes { raw -> (Int32, Int, Int) in
                stream.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: UInt8.self).baseAddress! + inputOffset)
                stream.avail_in = UInt32(input.count - inputOffset)
                stream.next_out = buffer + produced
                stream.avail_out = UInt32(count - produced)
                let before = (stream.avail_in, stream.avail_out)
                let s = inflate(&stream, Z_NO_FLUSH)
                return (s, Int(before.0 - stream.avail_in), Int(before.1 - stream.avail_out))
            }
            inputOffset += used
            produced += made
            if status == Z_STREAM_END {
                // Another gzip member may follow (as `cat a.gz b.gz` makes).
                if inputOffset >= input.count {
                    input = handle.readData(ofLength: Self.chunk)
                    inputOffset = 0
                }
                if input.isEmpty { finished = true } else { inflateReset(&stream) }
            } else if status != Z_OK && status != Z_BUF_ERROR {
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw DataError.corruptArchive(path: path, reason: message)
            }
        }
        return produced
    }

    private func readRaw(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
        var produced = 0
        while produced < count {
            if inputOffset >= input.count {
                input = handle.readData(ofLength: max(Self.chunk, count - produced))
                inputOffset = 0
                if input.isEmpty { break }
            }
            let n = min(count - produced, input.count - inputOffset)
            input.withUnsafeBytes { raw in (buffer + produced).update(from: raw.bindMemory(to: UInt8.self).baseAddress! + inputOffset, count: n) }
            inputOffset += n
            produced += n
        }
        return produced
    }

    /// Exactly `count` bytes, or fewer only at the end of the stream.
    func readExactly(_ count: Int) throws -> Data {
        var out = Data(count: count)
        var got = 0
        try out.withUnsafeMutableBytes { raw in
            let base = raw.bindMemory(to: UInt8.self).baseAddress!
            while got < count {
                let n = try read(into: base + got, count: count - got)
                if n == 0 { break }
                got += n
            }
        }
        return got == count ? out : out.prefix(got)
    }
}

/// Gzip compression into memory (for writing shards).
enum Gzip {
    static func compress(_ data: Data, level: Int32 = 6) throws -> Data {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError.invalidArgument("zlib deflate would not start")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(data.count)))
        var out = Data(count: bound)
        let written = data.withUnsafeBytes { src -> Int in
            out.withUnsafeMutableBytes { dst -> Int in
                stream.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: UInt8.self).baseAddress)
                stream.avail_in = UInt32(data.count)
                stream.next_out = dst.bindMemory(to: UInt8.self).baseAddress
                stream.avail_out = UInt32(bound)
                guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { return -1 }
                return bound - Int(stream.avail_out)
            }
        }
        guard written >= 0 else { throw DataError.invalidArgument("gzip compression failed") }
        return out.prefix(written)
    }
}
