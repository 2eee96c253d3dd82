import Foundation
import Imaging

/// A folder tree whose images are labelled by their parent folder (`REAL/`, `FAKE/`, any other names
/// give more classes), e.g. the Kaggle CIFAKE layout `train/REAL/*.jpg`.
public enum ImageFolder {
    /// File extensions treated as images.
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// Lists image files below `root` (recursively, sorted by path) with their labels.
    public static func list(_ root: URL) throws -> [LabeledItem] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            throw ImageError.unreadable(path: root.path, reason: "no such folder")
        }
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw ImageError.unreadable(path: root.path, reason: "cannot list folder")
        }
        var items: [LabeledItem] = []
        for case let url as URL in walker where imageExtensions.contains(url.pathExtension.lowercased()) {
            items.append(LabeledItem(path: url.path, label: url.deletingLastPathComponent().lastPathComponent.uppercased()))
        }
        return items.sorted { $0.path < $1.path }
    }
}
