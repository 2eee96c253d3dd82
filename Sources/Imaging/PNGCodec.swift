import CPNG
import Foundation

/// PNG decoding and encoding through libpng's simplified API (8/16-bit, grey, palette, alpha).
public enum PNGCodec {
    /// Decodes a PNG to 8-bit RGB. Alpha is composited onto white; 16-bit samples are reduced to 8 bits.
    /// The pixel count is checked from the header before any pixel is decoded.
    public static func decode(_ data: Data, path: String = "<memory>", maxPixels: Int = JPEGCodec.defaultMaxPixels) throws -> RGBImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        let ok = data.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard ok != 0 else { throw ImageError.corrupt(path: path, reason: message(image)) }
        let (w, h) = (Int(image.width), Int(image.height))
        guard w > 0, h > 0 else { throw ImageError.corrupt(path: path, reason: "zero size") }
        guard w * h <= maxPixels else { throw ImageError.tooLarge(path: path, width: w, height: h, limit: maxPixels) }
        image.format = UInt32(PNG_FORMAT_RGB)
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        var white = png_color(red: 255, green: 255, blue: 255)
        let finished = data.withUnsafeBytes { _ in
            pixels.withUnsafeMutableBytes { dst in
                png_image_finish_read(&image, &white, dst.baseAddress, Int32(w * 3), nil)
            }
        }
        guard finished != 0 else { throw ImageError.corrupt(path: path, reason: message(image)) }
        return RGBImage(width: w, height: h, pixels: pixels)
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
