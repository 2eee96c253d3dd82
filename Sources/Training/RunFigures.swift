import Data
import Foundation
import Plots

/// The figures of a run folder: `curves.png` / `curves.svg` (loss and accuracy, train vs val, per
/// epoch) and `examples.png` (validation images with their labels and the model's p_fake).
enum RunFigures {
    static func writeCurves(_ records: [EpochRecord], to folder: URL) throws {
        let e = records.map { Double($0.epoch) }
        let loss = LineChart(title: "Loss", xLabel: "epoch", yLabel: "cross-entropy", series: [
            .init(name: "train", points: Array(zip(e, records.map(\.trainLoss))), color: LineChart.blue),
            .init(name: "validation", points: Array(zip(e, records.map(\.valLoss))), color: LineChart.orange),
        ])
        let accuracy = LineChart(title: "Accuracy", xLabel: "epoch", yLabel: "accuracy", series: [
            .init(name: "train", points: Array(zip(e, records.map(\.trainAccuracy))), color: LineChart.blue),
            .init(name: "validation", points: Array(zip(e, records.map(\.valAccuracy))), color: LineChart.orange),
        ])
        for ext in ["png", "svg"] { try LineChart.render([loss, accuracy], to: folder.appendingPathComponent("curves.\(ext)")) }
    }

    /// Up to 32 validation images, half of each of the first two classes, captioned "LABEL p".
    static func writeExamples(_ val: DecodedDataset, probabilities: [[Double]], epoch: Int, to folder: URL) throws {
        var picks: [Int] = []
        for c in 0..<val.classes.count { picks += val.labels.indices.filter { val.labels[$0] == c }.prefix(32 / max(1, val.classes.count)) }
        let tiles = picks.map { i -> ContactSheet.Tile in
            let p = probabilities[i]
            let predicted = p.indices.max { p[$0] < p[$1] } ?? 0
            let caption = val.classes.count == 2
                ? String(format: "%@ p=%.2f", val.classes.names[val.labels[i]], p[1])
                : String(format: "%@→%@", val.classes.names[val.labels[i]], val.classes.names[predicted])
            return ContactSheet.Tile(image: val.image(i), caption: caption, correct: predicted == val.labels[i])
        }
        try ContactSheet.render(tiles, title: "Validation examples after epoch \(epoch) (green: right, red: wrong; p = p_fake)",
                                to: folder.appendingPathComponent("examples.png"))
    }
}
