import Foundation
import Imaging

/// Where images come from: folders (label = parent folder), `.tar` / `.tar.gz` shards streamed
/// without extraction, JSONL manifests, or single image files — any mix of them.
public struct DatasetSource: Sendable {
    /// One input and how it is read.
    public enum Input: Sendable, Hashable {
        /// A folder (label = parent folder), a `.tar` / `.tar.gz` / `.tgz` shard, a `.jsonl` manifest, or a single file.
        case folder(URL), tar(URL), manifest(URL), file(URL)
    }

    /// The inputs in the order given, each classified by `init(paths:)`.
    public let inputs: [Input]

    /// Classifies each path; a missing path is a `DataError.unreadable`.
    public init(paths: [String]) throws {
        guard !paths.isEmpty else { throw DataError.invalidArgument("no data path given") }
        inputs = try paths.map { p in
            let url = URL(fileURLWithPath: p)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
                throw DataError.unreadable(path: p, reason: "no such file or folder")
            }
            if isDir.boolValue { return .folder(url) }
            let name = url.lastPathComponent.lowercased()
            if name.hasSuffix(".tar") || name.hasSuffix(".tar.gz") || name.hasSuffix(".tgz") { return .tar(url) }
            if name.hasSuffix(".jsonl") { return .manifest(url) }
            return .file(url)
        }
    }

    /// Calls `body` with every item and its bytes (or why they could not be read), in a stable order:
    /// inputs in the given order; folders sorted by path; tars in member order; manifests in line order.
    /// A damaged archive ends that archive's stream with an error; the members before it are kept.
    public func forEach(_ body: (LabeledItem, Result<Data, Error>) throws -> Void) throws {
        for input in inputs {
            switch input {
            case let .folder(root):
                for item in try ImageFolder.list(root) {
                    try body(item, Result { try ImageDecoder.readFile(URL(fileURLWithPath: item.path)) })
                }
                for item in try ImageFolder.listUnsupported(root) {
                    let format = (item.path as NSString).pathExtension.uppercased()
                    try body(item, .failure(ImageError.unsupported(path: item.path, reason: "\(format) files are not read (JPEG and PNG are); convert it first")))
                }
                // A folder of WebDataset shards is read shard by shard.
                for shard in try ImageFolder.listShards(root) { try Self.forEachTarItem(shard, body) }
            case let .file(url):
                try body(LabeledItem.fromPath(url.path), Result { try ImageDecoder.readFile(url) })
            case let .tar(url):
                try Self.forEachTarItem(url, body)
            case let .manifest(url):
                try forEachManifestItem(url, body)
            }
        }
    }

    /// Like `forEach`, but reads on a background thread and hands over chunks of `size` items, so the
    /// caller's work on one chunk overlaps reading the next. Reader errors are thrown after the chunks before them.
    ///
    /// With `pixels`, a chunk also ends before the image whose header pixel count would take the chunk past it (and
    /// with `bytes`, past that many file bytes), so a caller that decodes a whole chunk holds a bounded amount of
    /// memory however large the images; an image above the budget forms a chunk of its own.
    public func forEachChunk(of size: Int, pixels: Int? = nil, bytes: Int? = nil,
                             _ body: ([(LabeledItem, Result<Data, Error>)]) throws -> Void) throws {
        let handoff = BoundedQueue<[(LabeledItem, Result<Data, Error>)]>(capacity: 2)
        let reader = Thread { [self] in
            var chunk: [(LabeledItem, Result<Data, Error>)] = []
            var chunkPixels = 0, chunkBytes = 0
            do {
                try forEach { item, data in
                    let itemBytes = (try? data.get().count) ?? 0
                    let itemPixels = pixels == nil ? 0 : ((try? data.get()).flatMap { try? ImageDecoder.dimensions(of: $0) }.map { $0.width * $0.height } ?? 0)
                    if !chunk.isEmpty, chunkPixels + itemPixels > (pixels ?? .max) || chunkBytes + itemBytes > (bytes ?? .max) {
                        guard handoff.put(chunk) else { throw CancellationError() }
                        chunk = []
                        chunkPixels = 0
                        chunkBytes = 0
                    }
                    chunk.append((item, data))
                    chunkPixels += itemPixels
                    chunkBytes += itemBytes
                    if chunk.count >= size {
                        guard handoff.put(chunk) else { throw CancellationError() }
                        chunk = []
                        chunkPixels = 0
                        chunkBytes = 0
                    }
                }
                if !chunk.isEmpty { _ = handoff.put(chunk) }
                handoff.finish(error: nil)
            } catch {
                handoff.finish(error: error is CancellationError ? nil : error)
            }
        }
        reader.start()
        defer { handoff.cancel() }
        while let chunk = handoff.take() { try body(chunk) }
        if let error = handoff.error { throw error }
    }

    static func forEachTarItem(_ url: URL, _ body: (LabeledItem, Result<Data, Error>) throws -> Void) throws {
        try forEachMember(url) { member in
            var item = LabeledItem.fromPath(member.name, display: "\(url.path):\(member.name)")
            if member.name.split(separator: "/").count < 2 { item.label = "UNLABELLED" }
            try body(item, .success(member.data))
        }
    }

    /// Streams the members of an image tar; a damaged archive is thrown after the good members.
    static func forEachMember(_ url: URL, _ body: (TarMember) throws -> Void) throws {
        let reader = try TarReader(url: url)
        while let member = try reader.nextMember() {
            guard ImageFolder.imageExtensions.contains((member.name as NSString).pathExtension.lowercased()) else { continue }
            try body(member)
        }
    }

    private func forEachManifestItem(_ url: URL, _ body: (LabeledItem, Result<Data, Error>) throws -> Void) throws {
        let items = try Manifest.read(url)
        let dir = url.deletingLastPathComponent()
        // Members wanted from tars: explicit `shard:member` paths, and plain paths with no loose file.
        var wanted: [String: Set<String>] = [:]
        var searchAll = Set<String>()
        for item in items {
            if let (tar, member) = Self.splitTarPath(item.path) {
                wanted[Self.resolve(tar, in: dir).path, default: []].insert(member)
            } else if !FileManager.default.fileExists(atPath: Self.resolve(item.path, in: dir).path) {
                searchAll.insert(item.path)
            }
        }
        var found: [String: Data] = [:]  // key: "tarpath:member" or plain member name
        if !searchAll.isEmpty {
            let tars = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
            for tar in tars.sorted(by: { $0.path < $1.path }) where [".tar", ".tar.gz", ".tgz"].contains(where: { tar.lastPathComponent.hasSuffix($0) }) {
                try Self.forEachMember(tar) { m in if searchAll.contains(m.name) { found[m.name] = m.data } }
            }
        }
        for (tar, members) in wanted {
            try Self.forEachMember(URL(fileURLWithPath: tar)) { m in if members.contains(m.name) { found["\(tar):\(m.name)"] = m.data } }
        }
        for item in items {
            var shown = item
            let result: Result<Data, Error>
            if let (tar, member) = Self.splitTarPath(item.path) {
                let key = "\(Self.resolve(tar, in: dir).path):\(member)"
                shown.path = key
                result = found[key].map { .success($0) } ?? .failure(ImageError.unreadable(path: key, reason: "not in the archive"))
            } else if let data = found[item.path] {
                result = .success(data)
            } else {
                let file = Self.resolve(item.path, in: dir)
                shown.path = file.path
                result = Result { try ImageDecoder.readFile(file) }
            }
            try body(shown, result)
        }
    }

    static func resolve(_ path: String, in dir: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : dir.appendingPathComponent(path)
    }

    /// `a/b.tar.gz:member/x.jpg` -> (`a/b.tar.gz`, `member/x.jpg`).
    static func splitTarPath(_ path: String) -> (String, String)? {
        for ext in [".tar.gz:", ".tgz:", ".tar:"] {
            if let r = path.range(of: ext) {
                return (String(path[..<r.upperBound].dropLast()), String(path[r.upperBound...]))
            }
        }
        return nil
    }
}
