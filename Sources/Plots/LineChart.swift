import Foundation

/// A line chart panel: named series of (x, y) points on shared axes.
public struct LineChart: Sendable {
    /// One named line of the chart.
    public struct Series: Sendable {
        /// The legend entry.
        public var name: String
        /// The points in drawing order, in data units; points with a non-finite y are skipped. Each point is also marked
        /// with a square when the series has fewer than 60 finite points.
        public var points: [(x: Double, y: Double)]
        /// The line colour as (red, green, blue), each 0...1.
        public var color: (Double, Double, Double)
        /// Draws the line thinner (1.5 instead of 2.2 units) to set it apart; the line itself stays solid.
        public var dashed: Bool

        /// Creates a series.
        /// - Parameters:
        ///   - name: The legend entry.
        ///   - points: (x, y) in data units, in drawing order.
        ///   - color: (red, green, blue), each 0...1 (see the palette, e.g. `LineChart.blue`).
        ///   - dashed: Draw the line thinner.
        public init(name: String, points: [(x: Double, y: Double)], color: (Double, Double, Double), dashed: Bool = false) {
            self.name = name; self.points = points; self.color = color; self.dashed = dashed
        }
    }

    /// The panel's title, bold above the plot.
    public var title: String
    /// The x axis label.
    public var xLabel: String
    /// The y axis label (drawn rotated).
    public var yLabel: String
    /// The lines, in legend order.
    public var series: [Series]
    /// Fixed y range (e.g. 0...1 for rates), else fitted to the data.
    public var yRange: ClosedRange<Double>?

    /// Creates a panel; nil `yRange` fits the y axis to the data with 5 % margins.
    public init(title: String, xLabel: String, yLabel: String, series: [Series], yRange: ClosedRange<Double>? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series; self.yRange = yRange
    }

    /// Palette for series.
    public static let blue = (0.12, 0.47, 0.71), orange = (1.0, 0.5, 0.05), green = (0.17, 0.63, 0.17), red = (0.84, 0.15, 0.16), grey = (0.5, 0.5, 0.5)

    /// Writes `panels` side by side to a PNG or SVG file.
    public static func render(_ panels: [LineChart], to url: URL, panelWidth: Int = 480, height: Int = 360) throws {
        let canvas = try Canvas(url: url, width: panelWidth * panels.count, height: height)
        for (i, panel) in panels.enumerated() { panel.draw(on: canvas, x0: Double(i * panelWidth), width: Double(panelWidth), height: Double(height)) }
        try canvas.finish()
    }

    func draw(on c: Canvas, x0: Double, width: Double, height: Double) {
        let left = x0 + 64, right = x0 + width - 16, top = 36.0, bottom = height - 52
        let xs = series.flatMap { $0.points.map(\.x) }, ys = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        let xr = (xs.min() ?? 0)...(max(xs.max() ?? 1, (xs.min() ?? 0) + 1e-9))
        var yr = yRange ?? ((ys.min() ?? 0)...(max(ys.max() ?? 1, (ys.min() ?? 0) + 1e-9)))
        if yRange == nil { let pad = (yr.upperBound - yr.lowerBound) * 0.05; yr = (yr.lowerBound - pad)...(yr.upperBound + pad) }
        func px(_ x: Double) -> Double { left + (x - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * (right - left) }
        func py(_ y: Double) -> Double { bottom - (y - yr.lowerBound) / (yr.upperBound - yr.lowerBound) * (bottom - top) }
        c.color((0, 0, 0))
        c.text(title, x0 + width / 2, 22, size: 15, align: 0.5, bold: true)
        // Grid and ticks.
        for k in 0...5 {
            let yv = yr.lowerBound + Double(k) / 5 * (yr.upperBound - yr.lowerBound)
            c.color((0.88, 0.88, 0.88)); c.line(left, py(yv), right, py(yv))
            c.color((0.2, 0.2, 0.2)); c.text(Self.format(yv), left - 6, py(yv) + 4, size: 11, align: 1)
            let xv = xr.lowerBound + Double(k) / 5 * (xr.upperBound - xr.lowerBound)
            c.text(Self.format(xv), px(xv), bottom + 16, size: 11, align: 0.5)
        }
        c.color((0, 0, 0))
        c.rect(left, top, right - left, bottom - top, fill: false)
        c.text(xLabel, (left + right) / 2, height - 14, size: 12, align: 0.5)
        c.text(yLabel, x0 + 16, (top + bottom) / 2, size: 12, align: 0.5, rotate: true)
        // The legend sits top right inside the plot, as wide as its longest name.
        let legendX = right - 26 - max(94, (series.map { c.textWidth($0.name, size: 11) }.max() ?? 0) + 8)
        for (i, s) in series.enumerated() {
            c.color(s.color)
            let pts = s.points.filter { $0.y.isFinite }
            for (a, b) in zip(pts, pts.dropFirst()) { c.line(px(a.x), py(a.y), px(b.x), py(b.y), width: s.dashed ? 1.5 : 2.2) }
            for p in pts where pts.count < 60 { c.rect(px(p.x) - 2.5, py(p.y) - 2.5, 5, 5, fill: true) }
            let ly = top + 16 + Double(i) * 16
            c.line(legendX, ly - 4, legendX + 20, ly - 4, width: 2.2)
            c.color((0, 0, 0))
            c.text(s.name, legendX + 26, ly, size: 11)
        }
    }

    static func format(_ v: Double) -> String {
        if abs(v) >= 100 || v == v.rounded() { return String(format: "%.0f", v) }
        return abs(v) >= 1 ? String(format: "%.2f", v) : String(format: "%.3f", v)
    }
}
