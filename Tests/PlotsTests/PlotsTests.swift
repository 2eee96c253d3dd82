import Foundation
import Imaging
import Plots
import XCTest

/// The figures decode as images of the promised size, and their pixels show what they draw: a heatmap tints a
/// fake cell red and a real cell blue over the photo; a line chart draws its series in its colour; a confusion
/// matrix and a contact sheet render; SVG output is SVG.
final class PlotsTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("plots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// Mean colour of the `w` x `h` block at (`x`, `y`).
    func mean(_ image: RGBImage, x: Int, y: Int, w: Int, h: Int) -> (r: Double, g: Double, b: Double) {
        var sum = (0.0, 0.0, 0.0)
        for yy in y..<(y + h) {
            for xx in x..<(x + w) {
                let i = (yy * image.width + xx) * 3
                sum.0 += Double(image.pixels[i]); sum.1 += Double(image.pixels[i + 1]); sum.2 += Double(image.pixels[i + 2])
            }
        }
        let n = Double(w * h)
        return (sum.0 / n, sum.1 / n, sum.2 / n)
    }

    func testHeatmapTintsCellsByTheirValue() throws {
        let grey = RGBImage(width: 128, height: 128, pixels: [UInt8](repeating: 128, count: 128 * 128 * 3))
        // 2 x 1 grid: left cell FAKE (1.0), right cell REAL (0.0).
        let png = try Heatmap.png(grey, grid: 2, rows: 1, values: [1, 0], caption: "p_fake", maxSide: 256)
        let image = try ImageDecoder.decode(png)
        XCTAssertEqual(image.width, 256)
        XCTAssertEqual(image.height, 256 + 30, "the caption strip below the image")
        // Away from the value labels and cell borders.
        let left = mean(image, x: 10, y: 10, w: 40, h: 40), right = mean(image, x: 140, y: 10, w: 40, h: 40)
        XCTAssertGreaterThan(left.r, left.b + 60, "fake cell is red: \(left)")
        XCTAssertGreaterThan(right.b, right.r + 60, "real cell is blue: \(right)")
        let file = dir.appendingPathComponent("h.svg")
        try Heatmap.render(grey, grid: 2, rows: 1, values: [1, 0], caption: "p_fake", to: file)
        XCTAssertTrue(try String(contentsOf: file, encoding: .utf8).contains("<svg"))
    }

    func testLineChartDrawsItsSeries() throws {
        let url = dir.appendingPathComponent("curve.png")
        let chart = LineChart(title: "loss", xLabel: "epoch", yLabel: "loss",
                              series: [.init(name: "train", points: [(0, 1), (1, 0.5), (2, 0.25)], color: LineChart.red)])
        try LineChart.render([chart, chart], to: url, panelWidth: 300, height: 200)
        let image = try ImageDecoder.read(url)
        XCTAssertEqual(image.width, 600, "two panels side by side")
        XCTAssertEqual(image.height, 200)
        var reddish = 0
        for i in stride(from: 0, to: image.pixels.count, by: 3) where image.pixels[i] > 180 && image.pixels[i + 1] < 90 && image.pixels[i + 2] < 90 {
            reddish += 1
        }
        XCTAssertGreaterThan(reddish, 100, "the red series is drawn")
    }

    func testMatrixAndContactSheetRender() throws {
        let matrix = dir.appendingPathComponent("confusion.png")
        try MatrixChart.render([[30, 2], [1, 31]], names: ["REAL", "FAKE"], title: "confusion", to: matrix)
        let m = try ImageDecoder.read(matrix)
        XCTAssertGreaterThan(m.width, 100)
        let tile = RGBImage(width: 32, height: 32, pixels: [UInt8](repeating: 200, count: 32 * 32 * 3))
        let sheet = dir.appendingPathComponent("sheet.png")
        try ContactSheet.render((0..<5).map { ContactSheet.Tile(image: tile, caption: "t\($0)", correct: $0 % 2 == 0) },
                                title: "examples", columns: 4, tileSize: 48, to: sheet)
        let s = try ImageDecoder.read(sheet)
        XCTAssertGreaterThanOrEqual(s.width, 4 * 48, "four columns")
        XCTAssertGreaterThan(s.height, 2 * 48, "two rows of tiles")
    }
}
