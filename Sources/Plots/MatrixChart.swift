import Foundation

/// A confusion matrix drawn as shaded cells with counts and row percentages.
public enum MatrixChart {
    /// `matrix[true][predicted]`, labelled by `names`.
    public static func render(_ matrix: [[Int]], names: [String], title: String, to url: URL) throws {
        let k = matrix.count, cell = 110.0, left = 110.0, top = 70.0
        let canvas = try Canvas(url: url, width: Int(left + cell * Double(k) + 30), height: Int(top + cell * Double(k) + 60))
        canvas.color((0, 0, 0))
        canvas.text(title, 12, 26, size: 15, bold: true)
        canvas.text("predicted", left + cell * Double(k) / 2, 56, size: 12, align: 0.5)
        canvas.text("true", 20, top + cell * Double(k) / 2, size: 12, align: 0.5, rotate: true)
        for (r, row) in matrix.enumerated() {
            let total = max(1, row.reduce(0, +))
            canvas.color((0, 0, 0))
            canvas.text(names[r], left - 8, top + cell * (Double(r) + 0.5) + 4, size: 12, align: 1)
            for (c, v) in row.enumerated() {
                let share = Double(v) / Double(total)
                canvas.color((1 - 0.8 * share, 1 - 0.55 * share, 1 - 0.2 * share))
                canvas.rect(left + cell * Double(c), top + cell * Double(r), cell, cell, fill: true)
                canvas.color((0.3, 0.3, 0.3))
                canvas.rect(left + cell * Double(c), top + cell * Double(r), cell, cell, fill: false)
                canvas.color(share > 0.6 ? (1, 1, 1) : (0, 0, 0))
                canvas.text("\(v)", left + cell * (Double(c) + 0.5), top + cell * (Double(r) + 0.5), size: 18, align: 0.5, bold: true)
                canvas.text(String(format: "%.1f %%", share * 100), left + cell * (Double(c) + 0.5), top + cell * (Double(r) + 0.5) + 20, size: 12, align: 0.5)
            }
        }
        canvas.color((0, 0, 0))
        for (c, name) in names.enumerated() { canvas.text(name, left + cell * (Double(c) + 0.5), top + cell * Double(k) + 20, size: 12, align: 0.5) }
        try canvas.finish()
    }
}
