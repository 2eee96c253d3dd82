import ArgumentParser
import Data
import Evaluation
import Foundation

/// `discern evaluate`: scores checkpoints on a labelled dataset.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score one or more checkpoints on labelled data: accuracy, precision, recall, F1, ROC-AUC, confusion matrix.",
        discussion: "Example: discern evaluate --model runs/cnn/best.safetensors --data ../shared/data/cifake/test.tar.gz --format json")

    @Option(help: "Checkpoint (.safetensors from discern train); repeat to compare models side by side.")
    var model: [String]

    @Option(parsing: .upToNextOption, help: "Labelled data: folders, shards or manifests.")
    var data: [String]

    @Option(help: "Output format: table or json.")
    var format: BenchFormat = .table

    @Option(help: "Write path, label and class probabilities for every image to this CSV file (first model).")
    var predictions: String?

    @Option(parsing: .upToNextOption, help: "Robustness sweep, e.g. jpeg:80,60,40 resize:64,256 blur:1.0 noise:0.02 (first model).")
    var perturb: [String] = []

    func validate() throws {
        for p in perturb { do { _ = try Perturbation.parse(p) } catch { throw ValidationError("\(error)") } }
        guard !model.isEmpty else { throw ValidationError("give at least one --model") }
        guard !data.isEmpty else { throw ValidationError("give --data") }
        for m in model where !FileManager.default.fileExists(atPath: m) { throw ValidationError("\(m): no such checkpoint") }
    }

    func run() throws {
        let loaded = try model.map { path -> LoadedModel in
            do { return try LoadedModel(URL(fileURLWithPath: path)) } catch { throw ValidationError("\(error)") }
        }
        let progress = ProgressBar(total: 0, label: "decode", unknownTotal: true)
        let dataset = try DecodedDataset.load(DatasetSource(paths: data), size: loaded[0].inputSize, classes: loaded[0].classes) { progress.update($0) }
        progress.finish(dataset.count)
        for f in dataset.failures.prefix(20) { FileHandle.standardError.write(Data("skipped \(f.error)\n".utf8)) }
        var rows: [(String, ClassificationMetrics, Double)] = []
        for (path, m) in zip(model, loaded) {
            let started = Date()
            let probabilities = Predictor.probabilities(m.model, dataset: dataset, temperature: m.temperature)
            let seconds = Date().timeIntervalSince(started)
            let nll = ScoreStatistics.logLoss(labels: dataset.labels, probabilities: probabilities)
            rows.append((path, ClassificationMetrics(labels: dataset.labels, probabilities: probabilities, loss: nll), seconds))
            if path == model[0], let predictions {
                var csv = "path,label," + m.classes.names.map { "p_\($0.lowercased())" }.joined(separator: ",") + "\n"
                for (item, p) in zip(dataset.items, probabilities) {
                    csv += "\"\(item.path.replacingOccurrences(of: "\"", with: "\"\""))\",\(item.label)," + p.map { String(format: "%.6f", $0) }.joined(separator: ",") + "\n"
                }
                try csv.write(toFile: predictions, atomically: true, encoding: .utf8)
            }
        }
        let sweep = try perturb.flatMap { try Perturbation.parse($0) }
        var robustness: [[String: Any]] = []
        if !sweep.isEmpty, let clean = rows.first?.1 {
            for p in sweep {
                let degraded = dataset.mapped { img, i in p.apply(img, index: i) }
                let probs = Predictor.probabilities(loaded[0].model, dataset: degraded, temperature: loaded[0].temperature)
                let m = ClassificationMetrics(labels: degraded.labels, probabilities: probs)
                robustness.append(["perturbation": p.description, "accuracy": m.accuracy, "roc_auc": m.rocAUC ?? Double.nan,
                                   "accuracy_drop": clean.accuracy - m.accuracy])
            }
        }
        if format == .json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            for (path, m, seconds) in rows {
                var obj = try JSONSerialization.jsonObject(with: enc.encode(m)) as! [String: Any]
                obj["model"] = path
                obj["classes"] = loaded[0].classes.names
                obj["seconds"] = seconds
                if path == model[0], !robustness.isEmpty { obj["robustness"] = robustness }
                print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
            }
            return
        }
        print("\(dataset.count) images, classes \(loaded[0].classes.names.joined(separator: ", "))")
        print("model".padding(toLength: 44, withPad: " ", startingAt: 0) + "  accuracy  precision  recall      F1  ROC-AUC  log-loss     ECE")
        for (path, m, _) in rows {
            let name = path.count > 44 ? "…" + path.suffix(43) : path
            print(name.padding(toLength: 44, withPad: " ", startingAt: 0)
                  + String(format: "  %8.4f  %9.4f  %6.4f  %6.4f  %7.4f  %8.4f  %6.4f", m.accuracy, m.precision, m.recall, m.f1, m.rocAUC ?? .nan, m.loss ?? .nan, m.ece))
        }
        if !robustness.isEmpty, let clean = rows.first?.1 {
            print("robustness of \(model[0]):")
            print("  perturbation   accuracy  ROC-AUC  drop (points)")
            print("  " + "clean".padding(toLength: 13, withPad: " ", startingAt: 0) + String(format: "  %8.4f  %7.4f  %6.2f", clean.accuracy, clean.rocAUC ?? .nan, 0.0))
            for r in robustness {
                print("  " + (r["perturbation"] as! String).padding(toLength: 13, withPad: " ", startingAt: 0)
                      + String(format: "  %8.4f  %7.4f  %6.2f", r["accuracy"] as! Double, r["roc_auc"] as! Double, (r["accuracy_drop"] as! Double) * 100))
            }
        }
        if rows.count == 1, let m = rows.first?.1 {
            print("confusion (rows: true, columns: predicted) " + loaded[0].classes.names.joined(separator: " / "))
            for (name, row) in zip(loaded[0].classes.names, m.confusion) { print("  \(name.padding(toLength: 6, withPad: " ", startingAt: 0)) " + row.map { String(format: "%6d", $0) }.joined(separator: " ")) }
        }
    }
}
