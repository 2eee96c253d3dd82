import Foundation

/// Writes items as WebDataset-style `.tar.gz` shards (members `<split>/<LABEL>/<file name>`) plus a
/// `manifest.jsonl` whose paths are `<shard>:<member>`, all reproducible (fixed tar metadata, sorted order).
public enum ShardWriter {
    /// - Returns: the shard files written.
    @discardableResult
    public static func write(_ source: DatasetSource, to dir: URL, prefix: String = "shard", perShard: Int = 10_000,
                             progress: ((Int) -> Void)? = nil) throws -> [URL] {
        guard perShard > 0 else { throw DataError.invalidArgument("--per-shard must be positive") }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var shards: [URL] = [], manifest: [LabeledItem] = []
        var writer = TarWriter(), inShard = 0, done = 0
        var usedNames = Set<String>()
        func close() throws {
            guard inShard > 0 else { return }
            let url = dir.appendingPathComponent(String(format: "%@-%05d.tar.gz", prefix, shards.count))
            try writer.write(to: url)
            shards.append(url)
            writer = TarWriter(); inShard = 0
        }
        try source.forEach { item, bytes in
            guard case let .success(data) = bytes else { return }
            var member = "\(item.split ?? "all")/\(item.label)/\(item.fileName)"
            var k = 1
            while usedNames.contains(member) { member = "\(item.split ?? "all")/\(item.label)/\(k)-\(item.fileName)"; k += 1 }
            usedNames.insert(member)
            try writer.add(name: member, data: data)
            let shardName = String(format: "%@-%05d.tar.gz", prefix, shards.count)
            manifest.append(LabeledItem(path: "\(shardName):\(member)", label: item.label, split: item.split, sha256: SHA256Digest.hex(data)))
            inShard += 1; done += 1
            progress?(done)
            if inShard >= perShard { try close() }
        }
        try close()
        try Manifest.write(manifest, to: dir.appendingPathComponent("manifest.jsonl"))
        return shards
    }

    /// Writes generated or edited files of one label where every Discern command reads them: a single
    /// shard (`out` ends in `.tar` or `.tar.gz`; members `<group>/<label>/<name>`) or a folder
    /// (`out/<label>/<name>`).
    public static func writeLabelled(_ files: [(name: String, data: Data)], label: String, group: String, to out: String) throws {
        if out.hasSuffix(".tar.gz") || out.hasSuffix(".tar") {
            var writer = TarWriter()
            for f in files { try writer.add(name: "\(group)/\(label)/\(f.name)", data: f.data) }
            try writer.write(to: URL(fileURLWithPath: out))
        } else {
            let dir = URL(fileURLWithPath: out).appendingPathComponent(label)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for f in files { try f.data.write(to: dir.appendingPathComponent(f.name)) }
        }
    }
}
