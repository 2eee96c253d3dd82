import Foundation
import Imaging

/// A grid of images, each scaled up and captioned (e.g. "FAKE 0.97" in green when right, red when wrong).
public enum ContactSheet {
    /// One captioned image of the sheet.
    public struct Tile: Sendable {
        /// The image, drawn scaled to a `tileSize` x `tileSize` square, nearest-neighbour.
        public var image: RGBImage
        /// The text under the image.
        public var caption: String
        /// Whether the prediction was right: the caption is green when true, red and bold when false, black when nil.
        public var correct: Bool?

        /// Creates a tile.
        /// - Parameters:
        ///   - image: The image to show.
        ///   - caption: The text under it.
        ///   - correct: Colours the caption (green true, red false, black nil).
        public init(image: RGBImage, caption: String, correct: Bool? = nil) {
            self.image = image; self.caption = caption; self.correct = correct
        }
    }

    /// Writes `tiles` in rows of `columns` to a PNG or SVG file, with `title` above.
    public static func render(_ tiles: [Tile], title: String, columns: Int = 8, tileSize: Int = 96, to url: URL) throws {
        let rows = max(1, (tiles.count + columns - 1) / columns)
        let cellW = Double(tileSize + 12), cellH = Double(tileSize + 30)
        let canvas = try Canvas(url: url, width: Int(cellW) * columns + 12, height: Int(cellH) * rows + 44)
        canvas.color((0, 0, 0))
        canvas.text(title, 12, 26, size: 16, bold: true)
        for (i, t) in tiles.enumerated() {
            let x = 12 + Double(i % columns) * cellW, y = 40 + Double(i / columns) * cellH
            canvas.image(t.image.pixels, width: t.image.width, height: t.image.height, x: x, y: y, size: Double(tileSize))
            switch t.correct {
            case true?: canvas.color((0.1, 0.55, 0.1))
            case false?: canvas.color((0.8, 0.1, 0.1))
            case nil: canvas.color((0, 0, 0))
            }
            canvas.text(t.caption, x + Double(tileSize) / 2, y + Double(tileSize) + 17, size: 12, align: 0.5, bold: t.correct == false)
        }
        try canvas.finish()
    }
}
