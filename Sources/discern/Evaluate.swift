import ArgumentParser
import ClassifierMetrics
import Data
import Evaluation
import Foundation
import Inference
import Reports

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

    @Option(help: "Write figures (ROC, PR, reliability, confusion; PNG + SVG), contact sheets and report.html here (first model).")
    var out: String?

    @Option(parsing: .upToNextOption, help: "Robustness sweep, e.g. jpeg:80,60,40 resize:64,256 blur:1.0 noise:0.02 (the first model, or the ensemble with --ensemble).")
    var perturb: [String] = []

    @Flag(help: "Also score the ensemble of the --model checkpoints: the mean of their (calibrated) class probabilities.")
    var ensemble = false

    @Option(help: "Test-time augmentation: none, or hflip (the mean of each image's and its mirror's probabilities; 2x the inference).")
    var tta: TestTimeAugmentation = .none

    @Option(help: "How a patch model's patch scores combine: mean-logit or top-k:F (the mean over the fraction F of patches with the highest p_fake); default: the checkpoint's, else mean-logit.")
    var patchAggregation: String?

    func validate() throws {
        if ensemble && model.count < 2 { throw ValidationError("--ensemble needs at least two --model checkpoints") }
        for p in perturb { do { _ = try Perturbation.parse(p) } catch { throw ValidationError("\(error)") } }
        if let patchAggregation, PatchAggregation(patchAggregation) == nil {
            throw ValidationError("--patch-aggregation must be mean-logit or top-k:F with 0 < F <= 1, not '\(patchAggregation)'")
        }
        guard !model.isEmpty else { throw ValidationError("give at least one --model") }
        guard !data.isEmpty else { throw ValidationError("give --data") }
        for m in model where !FileManager.default.fileExists(atPath: m) { throw ValidationError("\(m): no such checkpoint") }
    }

    func run() throws {
        let loaded = try model.map { path -> LoadedModel in
            do { return try LoadedModel(URL(fileURLWithPath: path)) } catch { throw ValidationError("\(error)") }
        }
        let result: ModelEvaluation
        do {
            result = try ModelEvaluation.run(
                paths: model, models: loaded, data: data, ensemble: ensemble, tta: tta,
                patchAggregation: patchAggregation.flatMap(PatchAggregation.init), perturbations: try perturb.flatMap { try Perturbation.parse($0) },
                progress: BarProgress()) { dataset in
                for f in dataset.failures.prefix(20) { FileHandle.standardError.write(Data("skipped \(f.error)\n".utf8)) }
            }
        } catch let error as EvaluationError { throw ValidationError(error.description) }
        let dataset = result.dataset, classes = loaded[0].classes.names
        if let predictions {
            var csv = "path,label," + classes.map { "p_\($0.lowercased())" }.joined(separator: ",") + "\n"
            for (item, p) in zip(dataset.items, result.firstProbabilities) {
                csv += "\"\(item.path.replacingOccurrences(of: "\"", with: "\"\""))\",\(item.label)," + p.map { String(format: "%.6f", $0) }.joined(separator: ",") + "\n"
            }
            try csv.write(toFile: predictions, atomically: true, encoding: .utf8)
        }
        let calibrationLines = Self.calibrationLines(result.unsure, images: dataset.count)
        if let out, let first = result.rows.first {
            let report = EvaluationReport(
                modelPath: first.path, dataDescription: data.joined(separator: " "), classes: classes, metrics: first.metrics,
                probabilities: result.firstProbabilities, dataset: dataset, accuracyCI: result.accuracyCI, aucCI: result.aucCI,
                robustness: ensemble ? [] : result.robustness.map { ($0.perturbation, $0.accuracy, $0.rocAUC, $0.accuracyDrop) },
                calibration: calibrationLines)
            let files = try report.write(to: URL(fileURLWithPath: out))
            FileHandle.standardError.write(Data("wrote \(files.count) files to \(out) (open report.html)\n".utf8))
        }
        if format == .json {
            try printJSON(result, classes: classes)
            return
        }
        printTable(result, classes: classes, calibrationLines: calibrationLines)
    }

    /// The UNSURE figures as the table and the report show them.
    static func calibrationLines(_ u: ModelEvaluation.UnsureSummary?, images: Int) -> [(String, String)] {
        guard let u else { return [] }
        var lines = [("temperature", String(format: "%.4f", u.temperature)),
                     ("ECE before → after calibration", String(format: "%.4f → %.4f", u.eceUncalibrated, u.eceCalibrated)),
                     ("UNSURE band", String(format: "(%.4f, %.4f)", u.band.lowerBound, u.band.upperBound)),
                     ("share UNSURE", String(format: "%.2f %% (%d in the band, %d unfamiliar)", u.share * 100, u.inBand, u.unfamiliar)),
                     ("accuracy on decided images", String(format: "%.4f", u.decidedAccuracy))]
        if let familiar = u.familiarity {
            lines.append(("familiarity", String(format: "%d of %d images unfamiliar (distance above %.3f, k %d): UNSURE; their pixel verdicts were right for %d",
                                                u.unfamiliar, images, familiar.threshold, familiar.k, u.unfamiliarRight)))
        }
        if let router = u.router {
            lines.append(("size router", String(format: "%d of %d images (<= %d px a side) scored by the small-image model: temperature %.4f, band (%.4f, %.4f)",
                                                router.routed, images, router.maxSide, router.small.temperature, router.small.unsureBand.lowerBound,
                                                router.small.unsureBand.upperBound)))
        }
        return lines
    }

    /// One JSON object per row (sorted keys); the first model's carries the intervals and UNSURE figures, the swept
    /// row the robustness sweep.
    private func printJSON(_ result: ModelEvaluation, classes: [String]) throws {
        var extras: [String: Any] = ["accuracy_ci": [result.accuracyCI.lowerBound, result.accuracyCI.upperBound]]
        if let a = result.aucCI { extras["roc_auc_ci"] = [a.lowerBound, a.upperBound] }
        if let u = result.unsure {
            let n = Double(max(result.dataset.count, 1))
            extras["temperature"] = u.temperature
            extras["unsure_band"] = [u.band.lowerBound, u.band.upperBound]
            extras["unsure_share"] = u.share
            extras["unsure_band_share"] = u.bandShare
            if let familiar = u.familiarity {
                extras["unfamiliar_share"] = Double(u.unfamiliar) / n
                extras["unfamiliar_pixel_right"] = u.unfamiliarRight
                extras["familiarity_threshold"] = familiar.threshold
            }
            extras["decided_accuracy"] = u.decidedAccuracy
            extras["ece_uncalibrated"] = u.eceUncalibrated
            if let router = u.router { extras["router"] = ["small_input_max_side": router.maxSide, "small_input_images": router.routed] }
        }
        let robustness: [[String: Any]] = result.robustness.map {
            ["perturbation": $0.perturbation, "accuracy": $0.accuracy, "roc_auc": $0.rocAUC, "accuracy_drop": $0.accuracyDrop, "flipped": $0.flipped]
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        for (index, row) in result.rows.enumerated() {
            var obj = try JSONSerialization.jsonObject(with: enc.encode(row.metrics)) as? [String: Any] ?? [:]
            obj["model"] = row.path
            obj["classes"] = classes
            obj["seconds"] = row.seconds
            obj["tta"] = tta.rawValue
            if ensemble && index == result.rows.count - 1, let ci = result.ensembleCI { obj["accuracy_ci"] = [ci.lowerBound, ci.upperBound]; obj["members"] = model }
            if !robustness.isEmpty && index == result.sweptRow { obj["robustness"] = robustness }
            if row.path == model[0] { for (k, v) in extras { obj[k] = v } }
            print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
        }
    }

    /// The aligned table: one line per row, intervals, UNSURE figures, the sweep, and the confusion of a single model.
    private func printTable(_ result: ModelEvaluation, classes: [String], calibrationLines: [(String, String)]) {
        print("\(result.dataset.count) images, classes \(classes.joined(separator: ", "))" + (tta == .none ? "" : ", test-time augmentation \(tta)"))
        print("model".padding(toLength: 44, withPad: " ", startingAt: 0) + "  accuracy  precision  recall      F1  ROC-AUC  log-loss     ECE")
        for row in result.rows {
            let (path, m) = (row.path, row.metrics)
            let name = path.count > 44 ? "…" + path.suffix(43) : path
            print(name.padding(toLength: 44, withPad: " ", startingAt: 0)
                  + String(format: "  %8.4f  %9.4f  %6.4f  %6.4f  %7.4f  %8.4f  %6.4f", m.accuracy, m.precision, m.recall, m.f1, m.rocAUC ?? .nan, m.loss ?? .nan, m.ece))
        }
        if classes.count > 2 { print("ROC-AUC: each class's probability ranks that class against the rest; the macro mean") }
        print(String(format: "accuracy 95 %% CI %.4f-%.4f", result.accuracyCI.lowerBound, result.accuracyCI.upperBound)
              + (result.aucCI.map { String(format: ", ROC-AUC 95 %% CI %.4f-%.4f", $0.lowerBound, $0.upperBound) } ?? ""))
        if let ci = result.ensembleCI { print(String(format: "ensemble accuracy 95 %% CI %.4f-%.4f", ci.lowerBound, ci.upperBound)) }
        for (k, v) in calibrationLines { print("\(k): \(v)") }
        if !result.robustness.isEmpty {
            let clean = result.rows[result.sweptRow].metrics
            print("robustness of \(ensemble ? "the ensemble" : model[0]):")
            print("  perturbation   accuracy  ROC-AUC  drop (points)  flipped")
            print("  " + "clean".padding(toLength: 13, withPad: " ", startingAt: 0) + String(format: "  %8.4f  %7.4f  %6.2f", clean.accuracy, clean.rocAUC ?? .nan, 0.0))
            for r in result.robustness {
                print("  " + r.perturbation.padding(toLength: 13, withPad: " ", startingAt: 0)
                      + String(format: "  %8.4f  %7.4f  %6.2f         %5.1f %%", r.accuracy, r.rocAUC, r.accuracyDrop * 100, r.flipped * 100))
            }
        }
        if result.rows.count == 1, let m = result.rows.first?.metrics {
            print("confusion (rows: true, columns: predicted) " + classes.joined(separator: " / "))
            for (name, row) in zip(classes, m.confusion) { print("  \(name.padding(toLength: 6, withPad: " ", startingAt: 0)) " + row.map { String(format: "%6d", $0) }.joined(separator: " ")) }
        }
    }
}

/// `EvaluationProgress` drawn as the CLI's progress bars.
final class BarProgress: EvaluationProgress {
    private var bar: ProgressBar?
    func start(_ label: String, total: Int?) { bar = ProgressBar(total: total ?? 0, label: label, unknownTotal: total == nil) }
    func update(_ done: Int) { bar?.update(done) }
    func finish(_ done: Int) { bar?.finish(done) }
}

extension TestTimeAugmentation: ExpressibleByArgument {}
