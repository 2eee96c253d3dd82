import Foundation
import Imaging

/// A folder tree whose images are labelled by their parent folder (`REAL/`, `FAKE/`; any other names
/// give more classes), e.g. the Kaggle CIFAKE layout `train/REAL/*.jpg` (split `train`).
public enum ImageFolder {
    /// File extensions treated as images.
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]
    /// Image formats Discern does not read: listed so that a folder's files of these kinds are named and counted as
    /// unsupported, never skipped without a word.
    public static let unsupportedExtensions: Set<String> = ["gif", "webp", "tif", "tiff", "heic", "heif", "avif", "bmp", "jxl", "jp2"]

    /// Lists image files below `root` (recursively, sorted by path) with label and split from their
    /// folders relative to `root`.
    public static func list(_ root: URL) throws -> [LabeledItem] {
        try list(root, extensions: imageExtensions)
    }

    /// Files below `root` in a format of `unsupportedExtensions`, labelled as `list` labels images.
    public static func listUnsupported(_ root: URL) throws -> [LabeledItem] {
        try list(root, extensions: unsupportedExtensions)
    }

    static func list(_ root: URL, extensions: Set<String>) throws -> [LabeledItem] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            throw DataError.unreadable(path: root.path, reason: "no such folder")
        }
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw DataError.unreadable(path: root.path, reason: "cannot list folder")
        }
        let base = root.standardizedFileURL.path
        var items: [LabeledItem] = []
        for case let url as URL in walker where extensions.contains(url.pathExtension.lowercased()) {
            let full = url.standardizedFileURL.path
            let relative = full.hasPrefix(base + "/") ? String(full.dropFirst(base.count + 1)) : url.lastPathComponent
            var item = LabeledItem.fromPath(relative, display: url.path)
            if relative.split(separator: "/").count < 2 { item.label = "UNLABELLED" }
            items.append(item)
        }
        return items.sorted { $0.path < $1.path }
    }

    /// `.tar`, `.tar.gz` and `.tgz` files below `root`, sorted by path.
    public static func listShards(_ root: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw DataError.unreadable(path: root.path, reason: "cannot list folder")
        }
        var shards: [URL] = []
        for case let url as URL in walker {
            let name = url.lastPathComponent.lowercased()
            if name.hasSuffix(".tar") || name.hasSuffix(".tar.gz") || name.hasSuffix(".tgz") { shards.append(url) }
        }
        return shards.sorted { $0.path < $1.path }
    }
}
