import ClassifierMetrics
import Data
import Foundation
import Imaging
import Plots

/// The figures and the self-contained `report.html` of `discern evaluate --out DIR`.
public struct EvaluationReport {
    /// The checkpoint's path, as shown in the report.
    public var modelPath: String
    /// What the model was evaluated on (e.g. the data paths), as shown in the report.
    public var dataDescription: String
    /// Class names in output order.
    public var classes: [String]
    /// The metrics of the evaluation.
    public var metrics: ClassificationMetrics
    /// Per image of `dataset`, one probability (0...1) per class, in dataset order.
    public var probabilities: [[Double]]
    /// The evaluated images and their true labels (the contact sheets show its images).
    public var dataset: DecodedDataset
    /// The 95 % confidence interval of the accuracy (0...1).
    public var accuracyCI: ClosedRange<Double>
    /// The 95 % confidence interval of the ROC-AUC, or nil when there is none.
    public var aucCI: ClosedRange<Double>?
    /// (perturbation, accuracy, auc, drop)
    public var robustness: [(String, Double, Double, Double)]
    /// Calibration summary lines, if the model carries a temperature / band.
    public var calibration: [(String, String)]

    /// Gathers what the report shows; nothing is computed or written until `write(to:)`.
    /// - Parameters:
    ///   - modelPath: The checkpoint's path.
    ///   - dataDescription: What the model was evaluated on.
    ///   - classes: Class names in output order.
    ///   - metrics: The metrics of the evaluation.
    ///   - probabilities: Per image, one probability per class, in dataset order.
    ///   - dataset: The evaluated images and labels.
    ///   - accuracyCI: 95 % interval of the accuracy.
    ///   - aucCI: 95 % interval of the ROC-AUC, or nil.
    ///   - robustness: Per perturbation: its name, accuracy, ROC-AUC and accuracy drop (a fraction; shown ×100 as points).
    ///   - calibration: (name, value) rows added to the summary table.
    public init(modelPath: String, dataDescription: String, classes: [String], metrics: ClassificationMetrics, probabilities: [[Double]],
                dataset: DecodedDataset, accuracyCI: ClosedRange<Double>, aucCI: ClosedRange<Double>?,
                robustness: [(String, Double, Double, Double)], calibration: [(String, String)]) {
        self.modelPath = modelPath; self.dataDescription = dataDescription; self.classes = classes; self.metrics = metrics
        self.probabilities = probabilities; self.dataset = dataset; self.accuracyCI = accuracyCI; self.aucCI = aucCI
        self.robustness = robustness; self.calibration = calibration
    }

    /// Writes every figure (PNG + SVG) and `report.html` into `dir`; returns the files written.
    @discardableResult
    public func write(to dir: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var files: [String] = []
        func both(_ name: String, _ draw: (URL) throws -> Void) throws {
            for ext in ["png", "svg"] { try draw(dir.appendingPathComponent("\(name).\(ext)")) }
            files += ["\(name).png", "\(name).svg"]
        }
        let labels = dataset.labels
        if classes.count == 2 {
            let curves = BinaryCurves(labels: labels, scores: probabilities.map { $0[1] })
            let roc = LineChart(title: String(format: "ROC (AUC %.4f)", metrics.rocAUC ?? .nan), xLabel: "false positive rate", yLabel: "true positive rate", series: [
                .init(name: "model", points: curves.roc.map { ($0.x, $0.y) }, color: LineChart.blue),
                .init(name: "chance", points: [(0, 0), (1, 1)], color: LineChart.grey, dashed: true),
            ], yRange: 0...1)
            try both("roc") { try LineChart.render([roc], to: $0) }
            let pr = LineChart(title: String(format: "Precision-recall (AP %.4f)", curves.averagePrecision), xLabel: "recall (FAKE)", yLabel: "precision (FAKE)", series: [
                .init(name: "model", points: curves.pr.map { ($0.x, $0.y) }, color: LineChart.orange),
            ], yRange: 0...1)
            try both("pr") { try LineChart.render([pr], to: $0) }
        } else {
            // One ROC curve per class: that class's probability ranking it against all the others.
            let colors = [LineChart.blue, LineChart.orange, LineChart.green, LineChart.red]
            var series: [LineChart.Series] = []
            for (c, name) in classes.enumerated() {
                guard let auc = metrics.perClass[c].rocAUC else { continue }
                let curves = BinaryCurves(labels: labels.map { $0 == c ? 1 : 0 }, scores: probabilities.map { $0[c] })
                series.append(.init(name: String(format: "%@ (AUC %.4f)", name, auc), points: curves.roc.map { ($0.x, $0.y) },
                                    color: colors[c % colors.count]))
            }
            series.append(.init(name: "chance", points: [(0, 0), (1, 1)], color: LineChart.grey, dashed: true))
            let title = "ROC, each class against the rest" + (metrics.rocAUC.map { String(format: " (macro AUC %.4f)", $0) } ?? "")
            let roc = LineChart(title: title,
                                xLabel: "false positive rate", yLabel: "true positive rate", series: series, yRange: 0...1)
            try both("roc") { try LineChart.render([roc], to: $0) }
        }
        // Reliability: accuracy per confidence bin against the diagonal.
        var binConf = [Double](repeating: 0, count: 15), binRight = binConf, binCount = [Int](repeating: 0, count: 15)
        for (y, p) in zip(labels, probabilities) {
            let pred = p.indices.max { p[$0] < p[$1] } ?? 0
            let b = min(14, Int(p[pred] * 15))
            binConf[b] += p[pred]; binRight[b] += pred == y ? 1 : 0; binCount[b] += 1
        }
        let reliabilityPoints = (0..<15).filter { binCount[$0] > 0 }.map { (binConf[$0] / Double(binCount[$0]), binRight[$0] / Double(binCount[$0])) }
        let reliability = LineChart(title: String(format: "Reliability (ECE %.4f)", metrics.ece), xLabel: "confidence", yLabel: "accuracy", series: [
            .init(name: "model", points: reliabilityPoints, color: LineChart.green),
            .init(name: "perfect", points: [(0, 0), (1, 1)], color: LineChart.grey, dashed: true),
        ], yRange: 0...1)
        try both("reliability") { try LineChart.render([reliability], to: $0) }
        try both("confusion") { try MatrixChart.render(metrics.confusion, names: classes, title: "Confusion matrix", to: $0) }
        // Contact sheets per class: most and least confident, and the misclassified.
        for (c, name) in classes.enumerated() {
            let members = labels.indices.filter { labels[$0] == c }.sorted { probabilities[$0][c] > probabilities[$1][c] }
            try sheet(Array(members.prefix(16)), "Most confident \(name)", dir.appendingPathComponent("most_confident_\(name).png"))
            try sheet(Array(members.suffix(16).reversed()), "Least confident \(name)", dir.appendingPathComponent("least_confident_\(name).png"))
            files += ["most_confident_\(name).png", "least_confident_\(name).png"]
        }
        let wrong = labels.indices.filter { i in (probabilities[i].indices.max { probabilities[i][$0] < probabilities[i][$1] } ?? 0) != labels[i] }
            .sorted { probabilities[$0][labels[$0]] < probabilities[$1][labels[$1]] }
        try sheet(Array(wrong.prefix(32)), "Misclassified (\(wrong.count) in all; most confidently wrong first)", dir.appendingPathComponent("misclassified.png"))
        files.append("misclassified.png")
        try html(files: files, in: dir).write(to: dir.appendingPathComponent("report.html"), atomically: true, encoding: .utf8)
        files.append("report.html")
        return files
    }

    private func sheet(_ indices: [Int], _ title: String, _ url: URL) throws {
        let tiles = indices.map { i -> ContactSheet.Tile in
            let p = probabilities[i]
            let pred = p.indices.max { p[$0] < p[$1] } ?? 0
            let caption = classes.count == 2 ? String(format: "%@ p=%.3f", classes[labels(i)], p[1]) : String(format: "%@ %.2f", classes[pred], p[pred])
            return ContactSheet.Tile(image: dataset.image(i), caption: caption, correct: pred == labels(i))
        }
        try ContactSheet.render(tiles, title: title + (classes.count == 2 ? " (p = p_fake)" : ""), to: url)
    }

    private func labels(_ i: Int) -> Int { dataset.labels[i] }

    /// One self-contained page: tables, then every PNG embedded as base64.
    private func html(files: [String], in dir: URL) throws -> String {
        let esc = HTMLText.text
        let f4 = { (v: Double) in String(format: "%.4f", v) }
        var rows = [("accuracy", "\(f4(metrics.accuracy)) (95 % CI \(f4(accuracyCI.lowerBound))–\(f4(accuracyCI.upperBound)))")]
        if let auc = metrics.rocAUC { rows.append((classes.count > 2 ? "ROC-AUC (one class against the rest, macro mean)" : "ROC-AUC", "\(f4(auc))" + (aucCI.map { " (95 % CI \(f4($0.lowerBound))–\(f4($0.upperBound)))" } ?? ""))) }
        if let ap = metrics.averagePrecision { rows.append(("average precision", f4(ap))) }
        rows += [("log-loss", metrics.loss.map(f4) ?? "–"), ("Brier score", f4(metrics.brier)), ("ECE (15 bins)", f4(metrics.ece)), ("images", "\(metrics.n)")]
        rows += calibration
        var report = "<tr><th></th><th>precision</th><th>recall</th><th>F1</th><th>ROC-AUC</th><th>support</th></tr>"
        for (name, s) in zip(classes, metrics.perClass) + [("macro avg", metrics.macro), ("weighted avg", metrics.weighted)] {
            report += "<tr><td>\(esc(name))</td><td>\(f4(s.precision))</td><td>\(f4(s.recall))</td><td>\(f4(s.f1))</td><td>\(s.rocAUC.map(f4) ?? "–")</td><td>\(s.support)</td></tr>"
        }
        var robust = ""
        if !robustness.isEmpty {
            robust = "<h2>Robustness</h2><table><tr><th>perturbation</th><th>accuracy</th><th>ROC-AUC</th><th>drop (points)</th></tr>"
                + robustness.map { "<tr><td>\($0.0)</td><td>\(f4($0.1))</td><td>\(f4($0.2))</td><td>\(String(format: "%.2f", $0.3 * 100))</td></tr>" }.joined() + "</table>"
        }
        var figures = ""
        for name in files where name.hasSuffix(".png") {
            figures += HTMLText.pngFigure(try Data(contentsOf: dir.appendingPathComponent(name)), title: name)
        }
        return """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Discern evaluation: \(esc(modelPath))</title>
        <style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
        table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}
        figure{display:inline-block;margin:1em 1em 1em 0;vertical-align:top}img{max-width:100%;border:1px solid #eee}figcaption{font-size:0.85em;color:#555}</style></head>
        <body><h1>Evaluation report</h1><p>Model <code>\(esc(modelPath))</code> on <code>\(esc(dataDescription))</code>; classes \(esc(classes.joined(separator: ", "))).</p>
        <h2>Summary</h2><table>\(rows.map { "<tr><td>\(esc($0.0))</td><td>\(esc($0.1))</td></tr>" }.joined())</table>
        <h2>Classification report</h2><table>\(report)</table>
        <h2>Confusion matrix</h2><table><tr><th>true \\ predicted</th>\(classes.map { "<th>\(esc($0))</th>" }.joined())</tr>\(zip(classes, metrics.confusion).map { "<tr><td>\(esc($0.0))</td>" + $0.1.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined())</table>
        \(robust)<h2>Figures</h2>\(figures)</body></html>
        """
    }
}
