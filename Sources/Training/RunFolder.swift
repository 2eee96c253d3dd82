import Foundation

/// A training run's folder and the files in it: the config, one JSON line per epoch, CSV, figures and checkpoints.
/// `Trainer` and `GANTrainer` write through it, so every run folder is written the same way: JSON with sorted keys
/// (the same run gives the same bytes), the config replaced atomically, metric lines appended.
public struct RunFolder: Sendable {
    /// The folder's location.
    public let url: URL

    /// The run folder at `path` (not created until `create()`).
    public init(_ path: String) { url = URL(fileURLWithPath: path) }

    /// Creates the folder (and its parents) if needed.
    public func create() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

    /// The file `name` in the folder.
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `value` as pretty-printed JSON with sorted keys to `name`, atomically.
    public func writeJSON(_ value: some Encodable, to name: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(value).write(to: file(name), options: .atomic)
    }

    /// Appends `line` and a newline to `name`, creating the file if needed.
    public func appendLine(_ line: String, to name: String) throws {
        let target = file(name)
        if !FileManager.default.fileExists(atPath: target.path) { _ = FileManager.default.createFile(atPath: target.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: target)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Appends `value` as one JSON line (sorted keys) to `name`.
    public func appendJSONLine(_ value: some Encodable, to name: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try appendLine(String(decoding: try encoder.encode(value), as: UTF8.self), to: name)
    }

    /// The JSON lines of `name` decoded as `type`; empty when the file does not exist.
    public func readJSONLines<T: Decodable>(_ type: T.Type, from name: String) throws -> [T] {
        guard let data = try? Data(contentsOf: file(name)) else { return [] }
        return try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(T.self, from: Data($0)) }
    }

    /// Deletes the files `names` that exist.
    public func remove(_ names: String...) {
        for name in names { try? FileManager.default.removeItem(at: file(name)) }
    }

    /// Whether the file `name` exists.
    public func contains(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name).path) }
}
