import Foundation

/// Where an image was edited, as fractions of its width and height (so it applies at any decoded size):
/// the rectangle `x0..<x1`, `y0..<y1` with 0 <= x0 < x1 <= 1 and the same for y.
public struct RegionBox: Sendable, Hashable {
    public let x0: Double, y0: Double, x1: Double, y1: Double

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

/// Reads the JSONL files `discern dataset edit --log` writes: one object per edited image with its file
/// `name`, the rectangle `x`, `y`, `width`, `height` in pixels and the photo's `image_width` / `image_height`.
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
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let name = object["name"] as? String,
                      let x = object["x"] as? Int, let y = object["y"] as? Int, let w = object["width"] as? Int,
                      let h = object["height"] as? Int, let iw = object["image_width"] as? Int, let ih = object["image_height"] as? Int,
                      iw > 0, ih > 0, w > 0, h > 0, x >= 0, y >= 0, x + w <= iw, y + h <= ih
                else { throw DataError.invalidArgument("edit log \(path) line \(n + 1): not an edit record with a rectangle inside its image") }
                guard boxes[name] == nil else { throw DataError.invalidArgument("edit log \(path): \(name) appears twice") }
                boxes[name] = RegionBox(x: x, y: y, width: w, height: h, imageWidth: iw, imageHeight: ih)
            }
        }
        return boxes
    }
}
