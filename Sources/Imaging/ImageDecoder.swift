import Foundation

/// Reads an image file of any supported format (sniffed from its bytes, not its name).
public enum ImageDecoder {
    /// Decodes `data`, choosing the codec from its signature.
    public static func decode(_ data: Data, path: String = "<memory>", maxPixels: Int = JPEGCodec.defaultMaxPixels) throws -> RGBImage {
        guard !data.isEmpty else { throw ImageError.empty(path: path) }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return try JPEGCodec.decode(data, path: path, maxPixels: maxPixels) }
        throw ImageError.unknownFormat(path: path)
    }

    /// Reads and decodes the file at `url`.
    public static func read(_ url: URL, maxPixels: Int = JPEGCodec.defaultMaxPixels) throws -> RGBImage {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ImageError.unreadable(path: url.path, reason: (error as NSError).localizedFailureReason ?? error.localizedDescription)
        }
        return try decode(data, path: url.path, maxPixels: maxPixels)
    }
}
