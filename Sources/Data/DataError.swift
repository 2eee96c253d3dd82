/// Why a dataset source could not be read. Every case names the file.
public enum DataError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case corruptArchive(path: String, reason: String)
    case badManifest(path: String, line: Int, reason: String)
    case invalidArgument(String)

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
