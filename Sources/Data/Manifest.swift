import Foundation

/// A JSONL manifest: one `{"path", "label", "split", "sha256"}` object per line (as
/// `shared/data/cifake/manifest.jsonl`). Paths are relative to the manifest's folder; a path of the
/// form `shard.tar.gz:member` names a tar member, as does a `path` with a `shard` field beside it (as
/// `shared/data/wild/manifest.jsonl`). Other fields are ignored.
public enum Manifest {
    private struct Line: Codable {
        var path: String
        var label: String
        var split: String?
        var sha256: String?
        var shard: String?
    }

    /// Parses a manifest; a malformed line is a `DataError.badManifest` naming the line.
    public static func read(_ url: URL) throws -> [LabeledItem] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw DataError.unreadable(path: url.path, reason: error.localizedDescription) }
        let decoder = JSONDecoder()
        var items: [LabeledItem] = []
        for (n, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.allSatisfy({ $0 == 32 || $0 == 13 }) {
            guard let l = try? decoder.decode(Line.self, from: Data(line)) else {
                throw DataError.badManifest(path: url.path, line: n + 1, reason: "needs a JSON object with string path and label")
            }
            let path = l.shard.map { "\($0):\(l.path)" } ?? l.path
            items.append(LabeledItem(path: path, label: l.label.uppercased(), split: l.split, sha256: l.sha256))
        }
        return items
    }

    /// Writes `items` as JSONL (keys sorted, one object per line), atomically.
    public static func write(_ items: [LabeledItem], to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = Data()
        for item in items {
            out.append(try encoder.encode(Line(path: item.path, label: item.label, split: item.split, sha256: item.sha256)))
            out.append(UInt8(ascii: "\n"))
        }
        try out.write(to: url, options: .atomic)
    }
}
