import Foundation
import Imaging

/// A per-tile p_fake overlay: the image, a translucent blue (real) to red (fake) cell per tile with
/// its value, and a caption.
public enum Heatmap {
    /// Writes the overlay to `url` (PNG or SVG by extension). `values`: row-major, `columns` x `rows` cells
    /// (`rows` defaults to `columns`).
    public static func render(_ image: RGBImage, grid columns: Int, rows: Int? = nil, values: [Double], caption: String, to url: URL,
                              maxSide: Int = 512) throws {
        try draw(image, columns: columns, rows: rows ?? columns, values: values, caption: caption, url: url, maxSide: maxSide).finish()
    }

    /// The overlay as PNG bytes, drawn in memory.
    public static func png(_ image: RGBImage, grid columns: Int, rows: Int? = nil, values: [Double], caption: String,
                           maxSide: Int = 512) throws -> Data {
        try draw(image, columns: columns, rows: rows ?? columns, values: values, caption: caption, url: nil, maxSide: maxSide).finishPNG()
    }

    private static func draw(_ image: RGBImage, columns: Int, rows: Int, values: [Double], caption: String, url: URL?,
                             maxSide: Int) throws -> Canvas {
        let scale = Double(maxSide) / Double(max(image.width, image.height))
        let w = max(64, Int(Double(image.width) * scale)), h = max(64, Int(Double(image.height) * scale))
        let canvas = try Canvas(url: url, width: w, height: h + 30)
        canvas.imageRect(image.pixels, width: image.width, height: image.height, x: 0, y: 0, w: Double(w), h: Double(h))
        for (t, v) in values.enumerated() {
            let (r, c) = (t / columns, t % columns)
            let x0 = Double(c * w / columns), x1 = Double((c + 1) * w / columns), y0 = Double(r * h / rows), y1 = Double((r + 1) * h / rows)
            canvas.color((v, 0.15, 1 - v), alpha: 0.35)
            canvas.rect(x0, y0, x1 - x0, y1 - y0, fill: true)
            canvas.color((1, 1, 1), alpha: 0.9)
            canvas.rect(x0, y0, x1 - x0, y1 - y0, fill: false)
            canvas.text(String(format: "%.2f", v), (x0 + x1) / 2 + 1, (y0 + y1) / 2 + 6, size: columns > 8 ? 10 : 15, align: 0.5, bold: true)
        }
        canvas.color((0, 0, 0))
        canvas.text(caption, 6, Double(h) + 20, size: 13)
        return canvas
    }
}
