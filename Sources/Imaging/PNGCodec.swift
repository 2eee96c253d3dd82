import CPNG
import Foundation

/// PNG decoding and encoding through libpng's simplified API (8/16-bit, grey, palette, alpha).
public enum PNGCodec {
    /// Decodes a PNG to 8-bit RGB. The pixel count is checked from the header before any pixel is decoded.
    ///
    /// Samples are taken as stored, as Pillow does: 16-bit values are reduced with `v >> 8`, and alpha
    /// is composited onto white in 8-bit sRGB values. (libpng's own conversions work in linear light,
    /// which would change the pixels a detector sees.)
    public static func decode(_ data: Data, path: String = "<memory>", maxPixels: Int = JPEGCodec.defaultMaxPixels) throws -> RGBImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        let data = try prepared(data, path: path)
        let ok = data.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard ok != 0 else { throw ImageError.corrupt(path: path, reason: message(image)) }
        let (w, h) = (Int(image.width), Int(image.height))
        guard w > 0, h > 0 else { throw ImageError.corrupt(path: path, reason: "zero size") }
        guard w * h <= maxPixels else { throw ImageError.tooLarge(path: path, width: w, height: h, limit: maxPixels) }
        let sixteenBit = image.format & UInt32(PNG_FORMAT_FLAG_LINEAR) != 0
        let alpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        let channels = alpha ? 4 : 3
        var out = [UInt8](repeating: 0, count: w * h * 3)
        if sixteenBit {
            // Linear formats hand back the stored 16-bit samples (alpha premultiplied).
            image.format = UInt32(PNG_FORMAT_FLAG_LINEAR | PNG_FORMAT_FLAG_COLOR | (alpha ? PNG_FORMAT_FLAG_ALPHA : 0))
            var samples = [UInt16](repeating: 0, count: w * h * channels)
            let finished = samples.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
            guard finished != 0 else { throw ImageError.corrupt(path: path, reason: message(image)) }
            for p in 0..<(w * h) {
                let a = alpha ? Int(samples[p * 4 + 3]) : 65535
                for c in 0..<3 {
                    var v = Int(samples[p * channels + c])
                    if alpha { v = a == 0 ? 0 : min(65535, (v * 65535 + a / 2) / a) }
                    out[p * 3 + c] = alpha ? overWhite(v >> 8, a >> 8) : UInt8(v >> 8)
                }
            }
        } else {
            image.format = UInt32(PNG_FORMAT_FLAG_COLOR | (alpha ? PNG_FORMAT_FLAG_ALPHA : 0))
            var samples = [UInt8](repeating: 0, count: w * h * channels)
            let finished = samples.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
            guard finished != 0 else { throw ImageError.corrupt(path: path, reason: message(image)) }
            if !alpha { return RGBImage(width: w, height: h, pixels: samples) }
            for p in 0..<(w * h) {
                for c in 0..<3 { out[p * 3 + c] = overWhite(Int(samples[p * 4 + c]), Int(samples[p * 4 + 3])) }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }

    /// Width and height from the PNG header, without decoding pixels.
    public static func dimensions(_ data: Data, path: String = "<memory>") throws -> (width: Int, height: Int) {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        let data = try prepared(data, path: path)
        let ok = data.withUnsafeBytes { raw in png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) }
        guard ok != 0 else { throw ImageError.corrupt(path: path, reason: message(image)) }
        guard image.width > 0, image.height > 0 else { throw ImageError.corrupt(path: path, reason: "zero size") }
        return (Int(image.width), Int(image.height))
    }

    /// `data` ready for libpng: every chunk's length checked against the bytes that follow it, and the text chunks
    /// (tEXt, zTXt, iTXt), which never change pixels, left out.
    ///
    /// libpng allocates a chunk's claimed length before it reads the chunk, so a 105-byte file claiming a 2 GB chunk
    /// cost 2 GB and five seconds of page faults; a chunk that runs past the end is therefore refused here (libpng
    /// would fail on it later in any case). libpng also inflates every zTXt / iTXt chunk while it reads the header,
    /// each up to its own limit, so a file of a thousand small text bombs cost a minute of CPU before a pixel was
    /// read: metadata is read by `MetadataEvidence` within one budget per file, and the decoder never sees text.
    /// Bytes after IEND are ignored, as libpng ignores them.
    static func prepared(_ data: Data, path: String) throws -> Data {
        let text: Set<String> = ["tEXt", "zTXt", "iTXt"]
        var keep: [Range<Int>] = []
        var start = data.startIndex + 8, i = start, dropped = false
        while i + 12 <= data.endIndex {
            let length = Int(data[i]) << 24 | Int(data[i + 1]) << 16 | Int(data[i + 2]) << 8 | Int(data[i + 3])
            let kind = String(decoding: data[(i + 4)..<(i + 8)].map { (0x21...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            guard length <= data.endIndex - i - 12 else {
                throw ImageError.corrupt(path: path, reason: "chunk \(kind) claims \(length) bytes, past the end of the file")
            }
            let end = i + 12 + length
            if text.contains(kind) {
                keep.append(start..<i)
                start = end
                dropped = true
            }
            i = end
            if kind == "IEND" { break }
        }
        guard dropped else { return data }
        keep.append(start..<data.endIndex)
        var out = Data(data[data.startIndex..<(data.startIndex + 8)])
        for r in keep { out.append(data[r]) }
        return out
    }

    /// `c` with opacity `a` (0...255) over white, rounded.
    @inline(__always)
    static func overWhite(_ c: Int, _ a: Int) -> UInt8 {
        UInt8((2 * (a * c + (255 - a) * 255) + 255) / 510)
    }

    /// Encodes 8-bit RGB as PNG.
    public static func encode(_ image: RGBImage) throws -> Data {
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        png.format = UInt32(PNG_FORMAT_RGB)
        defer { png_image_free(&png) }
        var size = 0
        let sized = image.pixels.withUnsafeBytes { src in
            png_image_write_to_memory(&png, nil, &size, 0, src.baseAddress, Int32(image.width * 3), nil)
        }
        guard sized != 0, size > 0 else { throw ImageError.encodingFailed(reason: message(png)) }
        var out = Data(count: size)
        let written = out.withUnsafeMutableBytes { dst in
            image.pixels.withUnsafeBytes { src in
                png_image_write_to_memory(&png, dst.baseAddress, &size, 0, src.baseAddress, Int32(image.width * 3), nil)
            }
        }
        guard written != 0 else { throw ImageError.encodingFailed(reason: message(png)) }
        return out.prefix(size)
    }

    private static func message(_ image: png_image) -> String {
        var m = image.message
        return withUnsafeBytes(of: &m) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
