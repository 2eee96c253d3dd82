/// Why an image could not be read or written. Every case names the file.
public enum ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(path: String, reason: String)
    case empty(path: String)
    case unknownFormat(path: String)
    case corrupt(path: String, reason: String)
    case tooLarge(path: String, width: Int, height: Int, limit: Int)
    case unsupported(path: String, reason: String)
    case encodingFailed(reason: String)

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
