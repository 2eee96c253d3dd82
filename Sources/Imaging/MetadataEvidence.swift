import CZlib
import Foundation

/// One piece of evidence found in a file's metadata, independent of its pixels.
public struct Evidence: Codable, Sendable, Equatable {
    /// What the item suggests.
    public enum Indication: String, Codable, Sendable {
        /// Written by an image generator (strong: generators write these, cameras do not).
        case aiGenerated = "ai-generated"
        /// Written by a camera (weak: easy to copy or forge).
        case camera
        /// Edited with software.
        case edited
        /// Content-provenance data is present (C2PA); its signature is not verified here.
        case provenance
        /// Informational only.
        case info
    }

    /// Where it was found, e.g. `png:parameters`, `exif:Software`, `xmp:DigitalSourceType`, `c2pa`.
    public var source: String
    /// The value (shortened to `limit` characters, 200 unless the reader chose more).
    public var value: String
    /// What the item suggests about the image's origin.
    public var indicates: Indication

    /// Creates an item.
    /// - Parameters:
    ///   - source: Where it was found (e.g. `exif:Software`).
    ///   - value: The value; shortened to its first `limit` characters plus "…" when longer.
    ///   - indicates: What it suggests.
    ///   - limit: The longest value kept, in characters (default 200).
    public init(source: String, value: String, indicates: Indication, limit: Int = 200) {
        self.source = source
        self.value = value.count > limit ? String(value.prefix(limit)) + "…" : value
        self.indicates = indicates
    }
}

/// Reads metadata evidence from JPEG and PNG files: Stable Diffusion WebUI `parameters` and ComfyUI
/// `prompt` / `workflow` PNG text chunks; EXIF Make, Model and Software; XMP / IPTC
/// `DigitalSourceType` and `CreatorTool`; and the presence of a C2PA manifest (JUMBF in JPEG APP11,
/// PNG `caBX`).
public enum MetadataEvidence {
    /// Software names that only image generators write.
    static let generatorNames = ["stable diffusion", "midjourney", "dall-e", "dall·e", "firefly", "comfyui", "novelai",
                                 "automatic1111", "invokeai", "imagen", "flux", "leonardo", "dreamstudio", "nightcafe"]

    /// Most bytes inflated from all of one file's compressed text chunks together (a file of many small zTXt bombs
    /// stops here, as a single one stops at the same figure).
    public static let inflateBudget = 16 << 20
    /// Most PNG text chunks read from one file; later ones are skipped.
    public static let maxTextChunks = 256

    /// All evidence items in `data` (empty for a file without metadata or an unknown format).
    public static func read(_ data: Data) -> [Evidence] {
        if data.starts(with: [0xFF, 0xD8]) { return jpeg(data) }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return png(data) }
        return []
    }

    /// Bytes still allowed to be inflated while reading one file.
    final class Budget {
        var remaining: Int
        init(_ bytes: Int) { remaining = bytes }
    }

    static func jpeg(_ data: Data) -> [Evidence] {
        var out: [Evidence] = []
        var c2pa = false
        JPEGSegments.forEach(data) { marker, payload in
            if marker == 0xE1, payload.starts(with: Array("Exif\0\0".utf8)) {
                out += exif(Data(payload.dropFirst(6)))
            } else if marker == 0xE1, payload.starts(with: Array("http://ns.adobe.com/xap/1.0/\0".utf8)) {
                out += xmp(String(decoding: payload.dropFirst(29), as: UTF8.self))
            } else if marker == 0xEB, payload.count > 16, payload.range(of: Data("c2pa".utf8)) != nil || payload.range(of: Data("jumb".utf8)) != nil {
                c2pa = true
            }
            return true
        }
        if c2pa { out.append(Evidence(source: "c2pa", value: "C2PA manifest (JUMBF in APP11); signature not verified", indicates: .provenance)) }
        return out
    }

    static func png(_ data: Data) -> [Evidence] {
        var out: [Evidence] = []
        let budget = Budget(inflateBudget)
        var textChunks = 0
        var i = data.startIndex + 8
        while i + 12 <= data.endIndex {
            let length = Int(data[i]) << 24 | Int(data[i + 1]) << 16 | Int(data[i + 2]) << 8 | Int(data[i + 3])
            let type = String(decoding: data[(i + 4)..<(i + 8)], as: UTF8.self)
            let start = i + 8
            guard length >= 0, start + length + 4 <= data.endIndex else { break }
            let body = data[start..<(start + length)]
            switch type {
            case "tEXt", "zTXt", "iTXt":
                textChunks += 1
                if textChunks <= maxTextChunks, let (key, text) = textChunk(type, Data(body), budget: budget) { out += pngText(key, text) }
            case "eXIf":
                out += exif(Data(body))
            case "caBX":
                out.append(Evidence(source: "c2pa", value: "C2PA manifest (JUMBF in PNG caBX); signature not verified", indicates: .provenance))
            case "IEND":
                return out
            default:
                break
            }
            i = start + length + 4
        }
        return out
    }

    static func pngText(_ key: String, _ text: String) -> [Evidence] {
        switch key {
        case "parameters":
            return [Evidence(source: "png:parameters", value: text, indicates: .aiGenerated)]
        case "prompt", "workflow":
            // ComfyUI stores its graph as JSON under these keys.
            return [Evidence(source: "png:\(key)", value: text, indicates: text.hasPrefix("{") ? .aiGenerated : .info)]
        case "XML:com.adobe.xmp":
            return xmp(text)
        case "Software":
            return [software(text, source: "png:Software")]
        default:
            return []
        }
    }

    /// (keyword, text) of a PNG text chunk; zTXt / compressed iTXt are inflated.
    static func textChunk(_ type: String, _ body: Data, budget: Budget = Budget(inflateBudget)) -> (String, String)? {
        guard let nul = body.firstIndex(of: 0) else { return nil }
        let key = String(decoding: body[..<nul], as: UTF8.self)
        var rest = body[(nul + 1)...]
        switch type {
        case "tEXt":
            return (key, String(decoding: rest, as: UTF8.self))
        case "zTXt":
            guard rest.count > 1 else { return nil }
            return inflate(Data(rest.dropFirst()), budget: budget).map { (key, String(decoding: $0, as: UTF8.self)) }
        default:  // iTXt: compression flag, method, language\0, translated keyword\0, text
            guard rest.count >= 2 else { return nil }
            let compressed = rest[rest.startIndex] == 1
            rest = rest.dropFirst(2)
            guard let l = rest.firstIndex(of: 0) else { return nil }
            rest = rest[(l + 1)...]
            guard let t = rest.firstIndex(of: 0) else { return nil }
            let text = Data(rest[(t + 1)...])
            if compressed { return inflate(text, budget: budget).map { (key, String(decoding: $0, as: UTF8.self)) } }
            return (key, String(decoding: text, as: UTF8.self))
        }
    }

    /// zlib-inflates at most what `budget` has left (metadata only; a bomb stops there) and takes the bytes made from it.
    static func inflate(_ data: Data, budget: Budget = Budget(inflateBudget)) -> Data? {
        guard budget.remaining > 0 else { return nil }
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        defer { budget.remaining -= out.count }
        let cap = budget.remaining
        return data.withUnsafeBytes { raw -> Data? in
            stream.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: UInt8.self).baseAddress)
            stream.avail_in = UInt32(data.count)
            while out.count < cap {
                let status = buffer.withUnsafeMutableBufferPointer { b -> Int32 in
                    stream.next_out = b.baseAddress
                    stream.avail_out = UInt32(b.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                out.append(contentsOf: buffer[0..<(buffer.count - Int(stream.avail_out))])
                if status == Z_STREAM_END { return out }
                if status != Z_OK { return nil }
            }
            return out
        }
    }

    /// Make, Model and Software from IFD0 of a TIFF-structured EXIF block.
    static func exif(_ tiff: Data) -> [Evidence] {
        let b = [UInt8](tiff)
        guard b.count >= 8 else { return [] }
        let little = b[0] == 0x49
        guard little || b[0] == 0x4D else { return [] }
        func u16(_ o: Int) -> Int? { o >= 0 && o + 2 <= b.count ? (little ? Int(b[o]) | Int(b[o + 1]) << 8 : Int(b[o]) << 8 | Int(b[o + 1])) : nil }
        func u32(_ o: Int) -> Int? {
            guard o >= 0, o + 4 <= b.count else { return nil }
            return little ? Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24
                          : Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3])
        }
        guard let ifd = u32(4), let n = u16(ifd) else { return [] }
        var fields: [Int: String] = [:]
        for e in 0..<min(n, 512) {
            let entry = ifd + 2 + e * 12
            guard let tag = u16(entry), let type = u16(entry + 2), let count = u32(entry + 4), type == 2, count > 0, count < 4096 else { continue }
            let offset = count <= 4 ? entry + 8 : (u32(entry + 8) ?? -1)
            guard offset >= 0, offset + count <= b.count else { continue }
            let s = String(decoding: b[offset..<(offset + count)].prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if !s.isEmpty { fields[tag] = s }
        }
        var out: [Evidence] = []
        if let make = fields[0x010F] { out.append(Evidence(source: "exif:Make", value: make, indicates: .camera)) }
        if let model = fields[0x0110] { out.append(Evidence(source: "exif:Model", value: model, indicates: .camera)) }
        if let sw = fields[0x0131] { out.append(software(sw, source: "exif:Software")) }
        return out
    }

    static func software(_ value: String, source: String) -> Evidence {
        let lower = value.lowercased()
        return Evidence(source: source, value: value, indicates: generatorNames.contains { lower.contains($0) } ? .aiGenerated : .edited)
    }

    /// IPTC DigitalSourceType and CreatorTool from an XMP packet.
    static func xmp(_ xml: String) -> [Evidence] {
        var out = [Evidence(source: "xmp", value: "XMP packet present", indicates: .info)]
        if let r = xml.range(of: "DigitalSourceType") {
            let tail = xml[r.upperBound...].prefix(300)
            let value = tail.components(separatedBy: CharacterSet(charactersIn: "\"<>")).first { $0.contains("digitalsourcetype/") }
                ?? String(tail.prefix(120))
            let type = value.components(separatedBy: "/").last ?? value
            let ai = ["trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia"].contains(type)
            out.append(Evidence(source: "xmp:DigitalSourceType", value: type, indicates: ai ? .aiGenerated : (type == "digitalCapture" ? .camera : .info)))
        }
        for key in ["xmp:CreatorTool", "CreatorTool"] {
            if let r = xml.range(of: key + "=\"") ?? xml.range(of: key + ">") {
                let value = String(xml[r.upperBound...].prefix { $0 != "\"" && $0 != "<" })
                if !value.isEmpty { out.append(software(value, source: "xmp:CreatorTool")); break }
            }
        }
        return out
    }
}
