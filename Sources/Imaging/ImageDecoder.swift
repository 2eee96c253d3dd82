import Foundation

/// Reads an image file of any supported format (sniffed from its bytes, not its name).
public enum ImageDecoder {
    /// Decodes `data`, choosing the codec from its signature.
    public static func decode(_ data: Data, path: String = "<memory>", maxPixels: Int = JPEGCodec.defaultMaxPixels) throws -> RGBImage {
        guard !data.isEmpty else { throw ImageError.empty(path: path) }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) {
            let image = try JPEGCodec.decode(data, path: path, maxPixels: maxPixels)
            return EXIFOrientation.read(jpeg: data).map { EXIFOrientation.apply($0, to: image) } ?? image
        }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return try PNGCodec.decode(data, path: path, maxPixels: maxPixels)
        }
        throw ImageError.unknownFormat(path: path)
    }

    /// Width and height read from the header alone (no pixels are decoded): what a pixel budget needs before it
    /// admits an image. Throws as `decode` does for empty, unknown or broken headers.
    public static func dimensions(of data: Data, path: String = "<memory>") throws -> (width: Int, height: Int) {
        guard !data.isEmpty else { throw ImageError.empty(path: path) }
        switch format(of: data) {
        case "jpeg": return try JPEGCodec.dimensions(data, path: path)
        case "png": return try PNGCodec.dimensions(data, path: path)
        default: throw ImageError.unknownFormat(path: path)
        }
    }

    /// Reads and decodes the file at `url`.
    public static func read(_ url: URL, maxPixels: Int = JPEGCodec.defaultMaxPixels) throws -> RGBImage {
        try decode(readFile(url), path: url.path, maxPixels: maxPixels)
    }

    /// The bytes of a regular file, or an `ImageError.unreadable` naming why (missing, a folder, no permission).
    public static func readFile(_ url: URL) throws -> Data {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw ImageError.unreadable(path: url.path, reason: "no such file")
        }
        guard !isDir.boolValue else { throw ImageError.unreadable(path: url.path, reason: "is a directory") }
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw ImageError.unreadable(path: url.path, reason: "permission denied")
        }
        do { return try Data(contentsOf: url) } catch {
            throw ImageError.unreadable(path: url.path, reason: error.localizedDescription)
        }
    }

    /// The format name from the signature (`jpeg`, `png`), or nil.
    public static func format(of data: Data) -> String? {
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpeg" }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "png" }
        return nil
    }
}
