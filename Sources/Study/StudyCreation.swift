import Data
import Foundation
import GRDB
import Imaging
import Tensor

/// Draws a balanced, seeded set of images into a new study database (what `discern study create` does).
///
/// Every input Discern reads works (folders, `.tar.gz` shards, manifests). Each class (REAL, FAKE) is shuffled with the
/// seed (`StudyParticipation.seededShuffle`, the same in any Swift version) and read in that order; an image that does
/// not decode, or whose bytes equal an image already drawn (SHA-256), is passed over, so the draw is the same for the
/// same inputs and seed. The inputs are read three times (names, then checks of the candidates, then the drawn images,
/// stored as they stream past), so memory does not grow with the images' size. Where an input has a `manifest.jsonl` (a manifest
/// given as input, or one beside a shard or in a folder), each image's `source_repo`, `generator` and camera are taken
/// from the manifest row with the same SHA-256; otherwise the source is the input's folder name.
///
/// Images are stored in a shuffled order with random tokens, so neither row ids nor names follow the class.
public struct StudyCreation {
    /// Where to draw from.
    public var data: [String]
    /// Images per class (`perClass`), or in all, half per class.
    public var count: Int
    /// Whether `count` is per class.
    public var perClass: Bool
    /// The draw's seed (also the participants' order seed).
    public var seed: UInt64
    /// Shown to participants.
    public var title: String
    /// Longest side of the image participants see (larger images are shown downscaled; models score the original).
    public var displayMaxSide = 1024

    /// A draw of `count` images (per class with `perClass`) from `data`.
    public init(data: [String], count: Int, perClass: Bool, seed: UInt64, title: String = "Real or AI?") {
        (self.data, self.count, self.perClass, self.seed, self.title) = (data, count, perClass, seed, title)
    }

    /// What was drawn.
    public struct Summary: Equatable, Sendable {
        /// Images stored per class.
        public var perLabel: [String: Int]
        /// Images passed over as unreadable or as duplicates.
        public var skipped: Int
        /// Images whose manifest row was found.
        public var withManifest: Int
    }

    /// Images each class needs.
    public var neededPerClass: Int { perClass ? count : count / 2 }

    /// Draws and writes the study to `out` (a new file; an existing one is refused). `progress` hears images stored.
    @discardableResult
    public func run(out: String, progress: ((Int) -> Void)? = nil) throws -> Summary {
        let source = try DatasetSource(paths: data)
        // Pass 1: every item's name and label, in the source's stable order.
        var byLabel: [String: [String]] = [:]
        try source.forEach { item, _ in byLabel[item.label, default: []].append(item.path) }
        guard byLabel["REAL"] != nil, byLabel["FAKE"] != nil else { throw StudyError.oneClass(byLabel.keys.sorted()) }
        let needed = neededPerClass
        var rng = SplitMix64(seed: seed)
        var candidates: [String: [String]] = [:]
        for label in ["REAL", "FAKE"] { candidates[label] = StudyParticipation.seededShuffle(byLabel[label]!, &rng) }
        // Row ids: a seeded permutation, so that ids do not follow the class. REAL takes the first half, FAKE the second.
        let ids = StudyParticipation.seededShuffle(Array(1...(2 * needed)), &rng)
        let manifests = try Self.manifestRows(for: source)
        let db = try StudyDatabase(path: out, create: true)
        var created = false
        defer { if !created { try? FileManager.default.removeItem(atPath: out); Self.removeSidecars(out) } }

        // Pass 2: whether the first candidates of each class decode, and their SHA-256 (no bytes kept); the first
        // `needed` usable, distinct ones in shuffled order are drawn. The window widens if too many are unusable.
        var checked: [String: String?] = [:]   // path -> SHA-256, or nil when unreadable
        var chosen: [String: (label: String, id: Int)] = [:], counts = ["REAL": 0, "FAKE": 0]
        var seen = Set<String>(), skipped = 0, window = needed + max(8, needed / 2)
        var tried: [String: Int] = ["REAL": 0, "FAKE": 0]
        while counts["REAL"]! < needed || counts["FAKE"]! < needed {
            var wanted = Set<String>()
            for label in ["REAL", "FAKE"] where counts[label]! < needed {
                for path in candidates[label]!.dropFirst(tried[label]!).prefix(window) where checked[path] == nil { wanted.insert(path) }
            }
            try source.forEach { item, result in
                guard wanted.contains(item.path), checked[item.path] == nil else { return }
                guard let data = try? result.get(), !data.isEmpty, (try? ImageDecoder.decode(data, path: item.path)) != nil else {
                    checked[item.path] = .some(nil)
                    return
                }
                checked[item.path] = SHA256Digest.hex(data)
            }
            for label in ["REAL", "FAKE"] where counts[label]! < needed {
                for path in candidates[label]!.dropFirst(tried[label]!).prefix(window) where counts[label]! < needed {
                    tried[label]! += 1
                    guard let sha = checked[path] ?? nil, seen.insert(sha).inserted else { skipped += 1; continue }
                    let offset = label == "REAL" ? 0 : needed
                    chosen[path] = (label, ids[offset + counts[label]!])
                    counts[label]! += 1
                }
                if counts[label]! < needed && tried[label]! >= candidates[label]!.count {
                    throw StudyError.tooFewImages(label: label, found: counts[label]!, needed: needed)
                }
            }
            window *= 2
        }

        // Pass 3: the drawn images, stored as they stream past (one transaction each; nothing is held).
        try db.pool.write { db in
            try db.execute(sql: "INSERT INTO study (id, title, seed, created_at, sources) VALUES (1, ?, ?, ?, ?)",
                           arguments: [title, Int64(bitPattern: seed), StudyDatabase.now(), data.joined(separator: " ")])
        }
        var stored = Set<String>(), withManifest = 0
        try source.forEach { item, result in
            guard let (label, id) = chosen[item.path], !stored.contains(item.path), let data = try? result.get() else { return }
            let sha = SHA256Digest.hex(data)
            let image = try ImageDecoder.decode(data, path: item.path)
            let row = manifests[sha]
            if row != nil { withManifest += 1 }
            let generatorField = row?["generator"]
            let camera = generatorField.flatMap { $0.hasPrefix("camera:") ? String($0.dropFirst(7)) : nil }
            let generator = generatorField.flatMap { $0.hasPrefix("camera:") ? nil : $0 }
            let origin = row?["source_repo"] ?? Self.sourceName(item.path)
            let shown = try display(image)
            try db.pool.write { db in
                try db.execute(sql: """
                    INSERT INTO image (id, token, path, sha256, label, source, generator, camera, width, height, original, display)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, Self.randomToken(), item.path, sha, label, origin, generator, camera, image.width, image.height, data, shown])
            }
            stored.insert(item.path)
            progress?(stored.count)
        }
        guard stored.count == chosen.count else {
            throw StudyError.changedWhileReading(data.joined(separator: " "))
        }
        created = true
        return Summary(perLabel: counts, skipped: skipped, withManifest: withManifest)
    }

    /// The participant's copy: the decoded pixels as PNG (no metadata), at most `displayMaxSide` on the longer side.
    func display(_ image: RGBImage) throws -> Data {
        let side = max(image.width, image.height)
        guard side > displayMaxSide else { return try PNGCodec.encode(image) }
        let scale = Double(displayMaxSide) / Double(side)
        let w = max(1, Int((Double(image.width) * scale).rounded())), h = max(1, Int((Double(image.height) * scale).rounded()))
        return try PNGCodec.encode(image.resized(width: w, height: h, filter: .area))
    }

    /// 128 random bits as 32 hex digits.
    static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(format: "%016llx", g.next()) }.joined()
    }

    /// The input's data set name for an item without a manifest row: the folder holding the shard or the class folder.
    static func sourceName(_ path: String) -> String {
        let file = path.split(separator: ":", maxSplits: 1).first.map(String.init) ?? path
        let parts = file.split(separator: "/").map(String.init)
        if file.hasSuffix(".tar.gz") || file.hasSuffix(".tar") || file.hasSuffix(".tgz") {
            return parts.count >= 2 ? parts[parts.count - 2] : parts.last ?? "data"
        }
        return parts.count >= 3 ? parts[parts.count - 3] : "data"
    }

    /// Manifest rows by SHA-256 from every manifest among or beside the inputs (string fields only).
    static func manifestRows(for source: DatasetSource) throws -> [String: [String: String]] {
        var files = Set<URL>()
        for input in source.inputs {
            switch input {
            case .manifest(let url): files.insert(url)
            case .tar(let url), .file(let url): files.insert(url.deletingLastPathComponent().appendingPathComponent("manifest.jsonl"))
            case .folder(let url):
                files.insert(url.appendingPathComponent("manifest.jsonl"))
                files.insert(url.deletingLastPathComponent().appendingPathComponent("manifest.jsonl"))
            }
        }
        var rows: [String: [String: String]] = [:]
        for file in files where FileManager.default.fileExists(atPath: file.path) {
            let text = try String(contentsOf: file, encoding: .utf8)
            for line in text.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let sha = object["sha256"] as? String else { continue }
                rows[sha] = object.compactMapValues { $0 as? String }
            }
        }
        return rows
    }

    static func removeSidecars(_ path: String) {
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
