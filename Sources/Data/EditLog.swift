import Foundation

/// Where an image was edited, as fractions of its width and height (so it applies at any decoded size):
/// the rectangle `x0..<x1`, `y0..<y1` with 0 <= x0 < x1 <= 1 and the same for y.
public struct RegionBox: Sendable, Hashable {
    /// The left, top, right and bottom edges as fractions (0...1) of the image's width (x) and height (y).
    public let x0: Double, y0: Double, x1: Double, y1: Double

    /// Creates a box from fractions of the image (0 <= x0 < x1 <= 1, 0 <= y0 < y1 <= 1; checked by a precondition).
    public init(x0: Double, y0: Double, x1: Double, y1: Double) {
        precondition(0 <= x0 && x0 < x1 && x1 <= 1 && 0 <= y0 && y0 < y1 && y1 <= 1, "region box outside the unit square")
        (self.x0, self.y0, self.x1, self.y1) = (x0, y0, x1, y1)
    }

    /// The box of a `width` x `height` pixel rectangle at (`x`, `y`) in an `imageWidth` x `imageHeight` image.
    public init(x: Int, y: Int, width: Int, height: Int, imageWidth: Int, imageHeight: Int) {
        let (iw, ih) = (Double(imageWidth), Double(imageHeight))
        self.init(x0: Double(x) / iw, y0: Double(y) / ih, x1: Double(x + width) / iw, y1: Double(y + height) / ih)
    }

    /// The fraction of each cell of a `grid` x `grid` partition of the image that the box covers, row-major
    /// (`grid * grid` values in 0...1).
    public func coverage(grid: Int) -> [Float] {
        let g = Double(grid)
        func overlap(_ a: Double, _ b: Double, _ cell: Int) -> Double {
            max(0, min(b * g, Double(cell + 1)) - max(a * g, Double(cell)))
        }
        return (0..<(grid * grid)).map { k in Float(overlap(y0, y1, k / grid) * overlap(x0, x1, k % grid)) }
    }
}

/// One line of an edit log (`discern dataset edit --log`): which image was edited, how, and where.
public struct EditRecord: Codable, Equatable, Sendable {
    /// The version this discern writes; a line without `version` is version 1 (logs written before the field).
    public static let currentVersion = 1

    /// The log format version of the line (nil: written before the field, read as version 1).
    public var version: Int?
    /// File name of the edited image (the member's last path component).
    public var name: String
    /// The edit (`ImageEdit` raw value); absent in hand-written logs, which only need the rectangle.
    public var edit: String?
    /// The edited rectangle in pixels of the `imageWidth` x `imageHeight` photo.
    public var x: Int, y: Int, width: Int, height: Int
    /// The photo's width and height in pixels.
    public var imageWidth: Int, imageHeight: Int
    /// Mean absolute change of the rectangle's samples (3 per pixel) in 0...255 levels, before JPEG coding
    /// (`AppliedEdit.change`, three decimals), when measured.
    public var change: Double?

    enum CodingKeys: String, CodingKey {
        case version, name, edit, x, y, width, height, change
        case imageWidth = "image_width", imageHeight = "image_height"
    }

    /// A current-version record.
    /// - Parameters:
    ///   - name: File name of the edited image.
    ///   - edit: The edit's `ImageEdit` raw value.
    ///   - x: The rectangle's left edge in pixels.
    ///   - y: The rectangle's top edge in pixels.
    ///   - width: The rectangle's width in pixels.
    ///   - height: The rectangle's height in pixels.
    ///   - imageWidth: The photo's width in pixels.
    ///   - imageHeight: The photo's height in pixels.
    ///   - change: Mean absolute sample change inside the rectangle in 0...255 levels, or nil when not measured.
    public init(name: String, edit: String?, x: Int, y: Int, width: Int, height: Int, imageWidth: Int, imageHeight: Int, change: Double?) {
        version = Self.currentVersion
        (self.name, self.edit, self.x, self.y, self.width, self.height) = (name, edit, x, y, width, height)
        (self.imageWidth, self.imageHeight, self.change) = (imageWidth, imageHeight, change)
    }

    /// The rectangle as fractions of the image, or nil when it is empty or not inside the image.
    public var box: RegionBox? {
        guard imageWidth > 0, imageHeight > 0, width > 0, height > 0, x >= 0, y >= 0, x + width <= imageWidth, y + height <= imageHeight
        else { return nil }
        return RegionBox(x: x, y: y, width: width, height: height, imageWidth: imageWidth, imageHeight: imageHeight)
    }

    /// The JSON line (sorted keys, no newline).
    public func line() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// Reads the JSONL files `discern dataset edit --log` writes: one `EditRecord` per edited image.
public enum EditLog {
    /// Edited rectangles by file name (the member's last path component).
    public static func read(_ paths: [String]) throws -> [String: RegionBox] {
        var boxes: [String: RegionBox] = [:]
        for path in paths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw DataError.invalidArgument("cannot read edit log \(path)")
            }
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.allSatisfy(\.isWhitespace) {
                guard let record = try? JSONDecoder().decode(EditRecord.self, from: Data(line.utf8)), let box = record.box
                else { throw DataError.invalidArgument("edit log \(path) line \(n + 1): not an edit record with a rectangle inside its image") }
                if let version = record.version, version != EditRecord.currentVersion {
                    throw DataError.invalidArgument("edit log \(path) line \(n + 1): record version \(version) is not one this discern reads "
                                                    + "(\(EditRecord.currentVersion)); a newer discern wrote it")
                }
                guard boxes[record.name] == nil else { throw DataError.invalidArgument("edit log \(path): \(record.name) appears twice") }
                boxes[record.name] = box
            }
        }
        return boxes
    }
}
