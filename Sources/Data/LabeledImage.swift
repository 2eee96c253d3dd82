import Foundation

/// One example of a dataset: where it came from and its class name (the parent folder, upper-cased).
public struct LabeledItem: Sendable, Hashable {
    /// A file path, or `shard.tar.gz:member/path` for a tar member.
    public var path: String
    /// Class name, e.g. `REAL` or `FAKE`.
    public var label: String

    public init(path: String, label: String) {
        self.path = path
        self.label = label
    }
}

/// Class names in index order. Binary CIFAKE is `[REAL, FAKE]`, so index 1 (and `p_fake`) means AI-generated.
public struct ClassList: Sendable, Hashable, Codable {
    public let names: [String]

    public init(_ names: [String]) { self.names = names }

    /// REAL and FAKE first (in that order) when present, then the others alphabetically.
    public init(labels: some Sequence<String>) {
        let set = Set(labels)
        let known = ["REAL", "FAKE"].filter(set.contains)
        names = known + set.subtracting(known).sorted()
    }

    public func index(of label: String) -> Int? { names.firstIndex(of: label) }
    public var count: Int { names.count }
}
