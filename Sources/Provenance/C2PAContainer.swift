import Foundation

/// Finds the C2PA manifest store (a JUMBF superbox) embedded in an image file (C2PA 2.2 section 11.3):
/// - JPEG: APP11 segments (`FF EB`, length, `CI` = "JP", `En` box instance, `Z` sequence number from 1, then box
///   bytes). A store larger than one segment is split over several with the same `En`; each repeats the box header
///   (`LBox TBox [XLBox]`), which is dropped from all but the first when they are joined in `Z` order.
/// - PNG: the ancillary chunk `caBX`, whose data is the store.
/// - WebP: the RIFF chunk `C2PA`.
/// Walks only the container structure (JPEG markers up to the first scan, PNG chunks, RIFF chunks), every length
/// checked against the file.
public enum C2PAContainer {
    /// The embedded store's bytes and the file ranges that carry it (whole segments or chunks), or nil when the file has
    /// none. Throws `C2PAError.malformedContainer` for a store that is split wrongly or overruns the file, and
    /// `.multipleStores` for two stores in one file (invalid, C2PA 15.5.2.1).
    public static func manifestStore(in file: [UInt8]) throws -> (store: [UInt8], carriers: [Range<Int>])? {
        if file.starts(with: [0xFF, 0xD8]) { return try jpeg(file) }
        if file.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return try png(file) }
        if file.count >= 12, file.starts(with: Array("RIFF".utf8)), Array(file[8..<12]) == Array("WEBP".utf8) { return try webp(file) }
        return nil
    }

    private static func jpeg(_ f: [UInt8]) throws -> (store: [UInt8], carriers: [Range<Int>])? {
        // Segments of each box instance (En): (Z, payload after the 8-byte CI/En/Z header, segment range).
        var groups: [UInt16: [(z: UInt32, payload: Range<Int>, segment: Range<Int>)]] = [:]
        var order: [UInt16] = []
        var at = 2
        while at + 4 <= f.count {
            guard f[at] == 0xFF else { break }
            let marker = f[at + 1]
            if marker == 0xFF { at += 1; continue }                      // fill byte
            if marker == 0xD9 || marker == 0xDA { break }                 // end of image, start of scan
            if (0xD0...0xD7).contains(marker) || marker == 0x01 { at += 2; continue }   // no length
            let length = Int(f[at + 2]) << 8 | Int(f[at + 3])
            guard length >= 2, at + 2 + length <= f.count else { break }
            let segment = at..<(at + 2 + length)
            if marker == 0xEB, length >= 2 + 8 + 8, f[at + 4] == 0x4A, f[at + 5] == 0x50 {
                let en = UInt16(f[at + 6]) << 8 | UInt16(f[at + 7])
                let z = JUMBFBox.readUInt32(f, at + 8)
                if groups[en] == nil { order.append(en) }
                groups[en, default: []].append((z, (at + 12)..<segment.upperBound, segment))
            }
            at = segment.upperBound
        }
        var stores: [(store: [UInt8], carriers: [Range<Int>])] = []
        for en in order {
            let parts = groups[en]!.sorted { $0.z < $1.z }
            guard parts.enumerated().allSatisfy({ UInt32($0.offset + 1) == $0.element.z }) else {
                throw C2PAError.malformedContainer("JPEG APP11 box \(en): sequence numbers \(parts.map(\.z)) are not 1, 2, ...")
            }
            var store = Array(f[parts[0].payload])
            guard store.count >= 8 else { throw C2PAError.malformedContainer("JPEG APP11 box \(en): truncated") }
            let header = JUMBFBox.readUInt32(store, 0) == 1 ? 16 : 8
            guard String(decoding: store[4..<8], as: UTF8.self) == "jumb" else { continue }   // another JUMBF user
            for part in parts.dropFirst() {
                guard part.payload.count >= header else { throw C2PAError.malformedContainer("JPEG APP11 box \(en): segment \(part.z) truncated") }
                store += f[(part.payload.lowerBound + header)..<part.payload.upperBound]
            }
            if isC2PAStore(store, header: header) { stores.append((store, parts.map(\.segment))) }
        }
        guard stores.count <= 1 else { throw C2PAError.multipleStores }
        return stores.first
    }

    private static func png(_ f: [UInt8]) throws -> (store: [UInt8], carriers: [Range<Int>])? {
        var at = 8
        var found: [(store: [UInt8], carriers: [Range<Int>])] = []
        while at + 12 <= f.count {
            let length = Int(JUMBFBox.readUInt32(f, at))
            guard length <= f.count - at - 12 else { throw C2PAError.malformedContainer("PNG chunk at \(at) overruns the file") }
            let type = String(decoding: f[(at + 4)..<(at + 8)], as: UTF8.self)
            let chunk = at..<(at + 12 + length)
            if type == "caBX" { found.append((Array(f[(at + 8)..<(at + 8 + length)]), [chunk])) }
            if type == "IEND" { break }
            at = chunk.upperBound
        }
        guard found.count <= 1 else { throw C2PAError.multipleStores }
        return found.first
    }

    private static func webp(_ f: [UInt8]) throws -> (store: [UInt8], carriers: [Range<Int>])? {
        var at = 12
        var found: [(store: [UInt8], carriers: [Range<Int>])] = []
        while at + 8 <= f.count {
            let size = Int(f[at + 4]) | Int(f[at + 5]) << 8 | Int(f[at + 6]) << 16 | Int(f[at + 7]) << 24
            guard size <= f.count - at - 8 else { throw C2PAError.malformedContainer("WebP chunk at \(at) overruns the file") }
            let chunk = at..<min(f.count, at + 8 + size + (size & 1))
            if String(decoding: f[at..<(at + 4)], as: UTF8.self) == "C2PA" { found.append((Array(f[(at + 8)..<(at + 8 + size)]), [chunk])) }
            at = chunk.upperBound
        }
        guard found.count <= 1 else { throw C2PAError.multipleStores }
        return found.first
    }

    /// Whether the superbox `store` (header of `header` bytes) opens with a description box of UUID tag `c2pa`, the
    /// manifest store's (read without a full parse; the description box's own header is 8 bytes).
    private static func isC2PAStore(_ store: [UInt8], header: Int) -> Bool {
        store.count >= header + 12 && String(decoding: store[(header + 8)..<(header + 12)], as: UTF8.self) == "c2pa"
    }
}
