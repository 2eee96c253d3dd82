/// Why an image could not be read or written. Every case names the file.
public enum ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file has no bytes.
    case empty(path: String)
    /// The bytes are neither JPEG nor PNG.
    case unknownFormat(path: String)
    /// The decoder rejected the data, with its reason.
    case corrupt(path: String, reason: String)
    /// The image's `width` x `height` (from its header, in pixels) is above `limit` pixels.
    case tooLarge(path: String, width: Int, height: Int, limit: Int)
    /// An image that is not used, with the reason (e.g. a format other than JPEG or PNG).
    case unsupported(path: String, reason: String)
    /// Writing an image failed.
    case encodingFailed(reason: String)

    /// A one-line message starting with the file's path (except for `encodingFailed`).
    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read file: \(reason)"
        case let .empty(path): return "\(path): empty file"
        case let .unknownFormat(path): return "\(path): not a JPEG or PNG image"
        case let .corrupt(path, reason): return "\(path): corrupt image: \(reason)"
        case let .tooLarge(path, w, h, limit): return "\(path): image is \(w)x\(h) = \(w * h) pixels, above the limit of \(limit)"
        case let .unsupported(path, reason): return "\(path): unsupported image: \(reason)"
        case let .encodingFailed(reason): return "image encoding failed: \(reason)"
        }
    }

    /// A short stable name for counting errors by kind.
    public var kind: String {
        switch self {
        case .unreadable: return "unreadable"
        case .empty: return "empty"
        case .unknownFormat: return "unknown-format"
        case .corrupt: return "corrupt"
        case .tooLarge: return "too-large"
        case .unsupported: return "unsupported"
        case .encodingFailed: return "encoding-failed"
        }
    }
}
