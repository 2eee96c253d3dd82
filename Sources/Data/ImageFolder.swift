import Foundation
import Imaging

/// A folder tree whose images are labelled by their parent folder (`REAL/`, `FAKE/`; any other names
/// give more classes), e.g. the Kaggle CIFAKE layout `train/REAL/*.jpg` (split `train`).
public enum ImageFolder {
    /// File extensions treated as images.
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// Lists image files below `root` (recursively, sorted by path) with label and split from their
    /// folders relative to `root`.
    public static func list(_ root: URL) throws -> [LabeledItem] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            throw DataError.unreadable(path: root.path, reason: "no such folder")
        }
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw DataError.unreadable(path: root.path, reason: "cannot list folder")
        }
        let base = root.standardizedFileURL.path
        var items: [LabeledItem] = []
        for case let url as URL in walker where imageExtensions.contains(url.pathExtension.lowercased()) {
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
