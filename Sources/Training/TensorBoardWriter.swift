import Foundation

/// Appends scalar summaries to a TensorBoard event file (`events.out.tfevents.<time>.<host>`):
/// TFRecord framing (length, masked CRC-32C of the length, the `Event` bytes, masked CRC-32C of them).
public final class TensorBoardWriter {
    /// The event file being written.
    public let url: URL
    private let handle: FileHandle

    /// Creates the event file in `folder` and writes its version record.
    public init(folder: URL) throws {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        url = folder.appendingPathComponent("events.out.tfevents.\(Int(Date().timeIntervalSince1970)).\(host)")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = try FileHandle(forWritingTo: url)
        var first = TBEvent()
        first.wallTime = Date().timeIntervalSince1970
        first.fileVersion = "brain.Event:2"
        try write(first)
    }

    deinit { try? handle.close() }

    /// Writes `scalars` (tag -> value) at `step` and flushes.
    public func add(scalars: [(String, Double)], step: Int) throws {
        var e = TBEvent()
        e.wallTime = Date().timeIntervalSince1970
        e.step = Int64(step)
        var s = TBSummary()
        s.value = scalars.map { var v = TBSummaryValue(); v.tag = $0.0; v.simpleValue = Float($0.1); return v }
        e.summary = s
        try write(e)
        try handle.synchronize()
    }

    private func write(_ event: TBEvent) throws {
        let data: Data = try event.serializedBytes()
        var length = UInt64(data.count).littleEndian
        let lengthBytes = Data(bytes: &length, count: 8)
        var record = lengthBytes
        var c1 = CRC32C.masked(lengthBytes).littleEndian
        record.append(Data(bytes: &c1, count: 4))
        record.append(data)
        var c2 = CRC32C.masked(data).littleEndian
        record.append(Data(bytes: &c2, count: 4))
        try handle.write(contentsOf: record)
    }
}

/// CRC-32C (Castagnoli), as TFRecord frames need. Written here because no packaged library offers it
/// to us (zlib's crc32 uses the other polynomial; Debian 12 packages no C CRC-32C library).
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? 0x82F6_3B78 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// TFRecord's masking: rotate right by 15 and add a constant.
    static func masked(_ data: Data) -> UInt32 {
        let c = checksum(data)
        return ((c >> 15) | (c << 17)) &+ 0xA282_EAD8
    }
}
