import Foundation

/// One example of a dataset: where it came from, its class name (the parent folder, upper-cased)
/// and its split (the folder above that, or the manifest's `split`).
public struct LabeledItem: Sendable, Hashable, Codable {
    /// A file path, or `shard.tar.gz:member/path` for a tar member.
    public var path: String
    /// Class name, e.g. `REAL` or `FAKE`.
    public var label: String
    /// Split name (`train`, `test`, ...) when known.
    public var split: String?
    /// SHA-256 of the file bytes, when known (from a manifest or computed).
    public var sha256: String?

    /// The file's name without folders (for a tar member, the member's last path component), e.g. `1234_5.jpg`.
    public var fileName: String { (path as NSString).lastPathComponent }

    /// Creates an item.
    /// - Parameters:
    ///   - path: A file path, or `shard.tar.gz:member/path` for a tar member.
    ///   - label: The class name.
    ///   - split: The split name, when known.
    ///   - sha256: The file's SHA-256 as hex, when known.
    public init(path: String, label: String, split: String? = nil, sha256: String? = nil) {
        self.path = path
        self.label = label
        self.split = split
        self.sha256 = sha256
    }

    /// Label and split from a path's folders: `.../<split>/<LABEL>/<file>`.
    public static func fromPath(_ path: String, display: String? = nil) -> LabeledItem {
        let parts = path.split(separator: "/").map(String.init)
        let label = parts.count >= 2 ? parts[parts.count - 2].uppercased() : "UNLABELLED"
        let split = parts.count >= 3 ? parts[parts.count - 3] : nil
        return LabeledItem(path: display ?? path, label: label, split: split)
    }
}

/// Class names in index order. Binary CIFAKE is `[REAL, FAKE]`, so index 1 (and `p_fake`) means AI-generated.
public struct ClassList: Sendable, Hashable, Codable {
    /// The class names; a label's index is its position here.
    public let names: [String]

    /// Uses `names` in the order given.
    public init(_ names: [String]) { self.names = names }

    /// REAL and FAKE first (in that order) when present, then the others alphabetically.
    public init(labels: some Sequence<String>) {
        let set = Set(labels)
        let known = ["REAL", "FAKE"].filter(set.contains)
        names = known + set.subtracting(known).sorted()
    }

    /// The index of `label` in `names`, or nil when it is not a class.
    public func index(of label: String) -> Int? { names.firstIndex(of: label) }
    /// Number of classes.
    public var count: Int { names.count }
}
