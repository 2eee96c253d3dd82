/// Why a dataset source could not be read. Every case names the file.
public enum DataError: Error, CustomStringConvertible, Equatable {
    /// The file or folder could not be read (or does not exist).
    case unreadable(path: String, reason: String)
    /// A tar or gzip stream is damaged; the reason says where.
    case corruptArchive(path: String, reason: String)
    /// Line `line` (1-based) of a JSONL manifest is not a JSON object with string `path` and `label`.
    case badManifest(path: String, line: Int, reason: String)
    /// A bad option value (e.g. an augmentation list); the message says which.
    case invalidArgument(String)

    /// A one-line message starting with the file's path (line too, for a manifest), or the bare message of `invalidArgument`.
    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read: \(reason)"
        case let .corruptArchive(path, reason): return "\(path): corrupt archive: \(reason)"
        case let .badManifest(path, line, reason): return "\(path):\(line): bad manifest line: \(reason)"
        case let .invalidArgument(message): return message
        }
    }

    /// The same error with where it happened added to a corrupt archive's reason (other cases unchanged).
    func located(_ place: String) -> DataError {
        guard case let .corruptArchive(path, reason) = self else { return self }
        return .corruptArchive(path: path, reason: "\(reason) \(place)")
    }
}
