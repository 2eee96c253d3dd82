import Foundation

/// Reads the EXIF orientation tag (0x0112) from a JPEG's APP1 segment and applies it, so a photo
/// taken with the camera turned is judged the way a viewer shows it.
public enum EXIFOrientation {
    /// The orientation value 1...8, or nil when absent or unreadable (1 means as stored).
    public static func read(jpeg data: Data) -> Int? {
        guard let tiff = JPEGSegments.exifTIFF(data) else { return nil }
        return tiff.withUnsafeBytes { raw -> Int? in
            let b = raw.bindMemory(to: UInt8.self)
            guard b.count >= 8 else { return nil }
            let little = b[0] == 0x49 && b[1] == 0x49
            guard little || (b[0] == 0x4D && b[1] == 0x4D) else { return nil }
            func u16(_ o: Int) -> Int? {
                guard o >= 0, o + 2 <= b.count else { return nil }
                return little ? Int(b[o]) | Int(b[o + 1]) << 8 : Int(b[o]) << 8 | Int(b[o + 1])
            }
            func u32(_ o: Int) -> Int? {
                guard let hi = u16(little ? o + 2 : o), let lo = u16(little ? o : o + 2) else { return nil }
                return hi << 16 | lo
            }
            guard let ifd = u32(4), let entries = u16(ifd) else { return nil }
            for e in 0..<min(entries, 512) {
                let entry = ifd + 2 + e * 12
                guard let tag = u16(entry) else { return nil }
                if tag == 0x0112, let value = u16(entry + 8), (1...8).contains(value) { return value }
            }
            return nil
        }
    }

    /// `image` turned upright for EXIF `orientation`.
    public static func apply(_ orientation: Int, to image: RGBImage) -> RGBImage {
        switch orientation {
        case 2: return image.flippedHorizontally()
        case 3: return image.rotated90(times: 2)
        case 4: return image.flippedVertically()
        case 5: return image.rotated90(times: 1).flippedHorizontally()
        case 6: return image.rotated90(times: 3)
        case 7: return image.rotated90(times: 3).flippedHorizontally()
        case 8: return image.rotated90(times: 1)
        default: return image
        }
    }
}

/// Walks the marker segments of a JPEG header.
public enum JPEGSegments {
    /// Calls `body(marker, payload)` for each segment before the image data (SOS), stopping early when it returns false.
    public static func forEach(_ data: Data, _ body: (UInt8, Data) -> Bool) {
        var i = data.startIndex + 2
        while i + 4 <= data.endIndex {
            guard data[i] == 0xFF else { return }
            let marker = data[i + 1]
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            if marker == 0xDA || marker == 0xD9 { return }
            let length = Int(data[i + 2]) << 8 | Int(data[i + 3])
            guard length >= 2, i + 2 + length <= data.endIndex else { return }
            if !body(marker, data.subdata(in: (i + 4)..<(i + 2 + length))) { return }
            i += 2 + length
        }
    }

    /// The TIFF block of the EXIF APP1 segment, if any.
    public static func exifTIFF(_ data: Data) -> Data? {
        var found: Data?
        forEach(data) { marker, payload in
            if marker == 0xE1, payload.starts(with: Array("Exif\0\0".utf8)) {
                found = payload.dropFirst(6)
                return false
            }
            return true
        }
        return found.map { Data($0) }
    }
}
