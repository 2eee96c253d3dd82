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
        // A patch model (trained with --native-size) scores native-resolution images through its patch plan; the
        // dataset is then decoded small only for labels, order and the report's contact sheets.
        let patchDetector = try? Detector(loaded[0], aggregation: patchAggregation.flatMap(PatchAggregation.init))
        // A size router (small_input_model) also scores native images: each goes to the detector its size picks.
        let patchMode = patchDetector?.inputMode == .patches || patchDetector?.smallInputs != nil
        if patchMode && (model.count > 1 || tta != .none) {
            throw ValidationError("\(model[0]) is a patch model or size router: evaluate it alone, without --ensemble or --tta")
        }
        let progress = ProgressBar(total: 0, label: "decode", unknownTotal: true)
        let dataset = try DecodedDataset.load(DatasetSource(paths: data), size: patchMode ? 64 : loaded[0].inputSize,
                                              classes: loaded[0].classes) { progress.update($0) }
        progress.finish(dataset.count)
        /// The detector that judged each image of `dataset` (a router's small-input one or the first model's), when native.
        var judges: [Detector] = []
        /// Each image's distance to the judge's training images (nil where the judge has no familiarity measure), when native.
        var distances: [Double?] = []
        /// The first model's probabilities for `dataset`'s images, optionally perturbed: native patches for a patch model.
        func nativeProbabilities(_ perturbation: Perturbation?) throws -> [[Double]] {
            let bar = ProgressBar(total: dataset.count, label: perturbation.map { "score \($0)" } ?? "score patches")
            let byPath = try NativeScoring.probabilities(patchDetector!, source: DatasetSource(paths: data),
                                                         transform: perturbation.map { p in { img, i in p.apply(img, index: i) } }) { bar.update($0) }
            bar.finish(dataset.count)
            let scores = try dataset.items.map { item in
                guard let s = byPath[item.path] else { throw ValidationError("\(item.path): decoded for the report but not scored") }
                return s
            }
            if perturbation == nil { judges = scores.map(\.judge); distances = scores.map(\.distance) }
            return scores.map(\.probabilities)
        }
        for f in dataset.failures.prefix(20) { FileHandle.standardError.write(Data("skipped \(f.error)\n".utf8)) }
        var rows: [(String, ClassificationMetrics, Double)] = []
        var firstProbabilities: [[Double]] = []
        var extras: [String: Any] = [:]
        var calibrationLines: [(String, String)] = []
        var members: [[[Double]]] = [], ensembleCI: [Double] = []
        var datasets = [loaded[0].inputSize: dataset]
        for (path, m) in zip(model, loaded) {
            if ensemble && m.classes.names != loaded[0].classes.names {
                throw ValidationError("--ensemble: \(path) has classes \(m.classes.names), \(model[0]) has \(loaded[0].classes.names)")
            }
            // Models of another input size (e.g. a 32x32 CNN beside the 64x64 default) see the same images decoded at their size.
            if datasets[m.inputSize] == nil && !patchMode {
                let other = try DecodedDataset.load(DatasetSource(paths: data), size: m.inputSize, classes: loaded[0].classes)
                guard other.labels == dataset.labels else {
                    throw ValidationError("\(path): the data decoded at \(m.inputSize)x\(m.inputSize) differs from the data at \(loaded[0].inputSize)x\(loaded[0].inputSize)")
                }
                datasets[m.inputSize] = other
            }
            let started = Date()
            let probabilities = patchMode ? try nativeProbabilities(nil)
                : Predictor.probabilities(m.model, dataset: datasets[m.inputSize]!, temperature: m.temperature, augmentation: tta)
            let seconds = Date().timeIntervalSince(started)
            if ensemble { members.append(probabilities) }
            let nll = ScoreStatistics.logLoss(labels: dataset.labels, probabilities: probabilities)
            rows.append((path, ClassificationMetrics(labels: dataset.labels, probabilities: probabilities, loss: nll), seconds))
            if path == model[0] {
                firstProbabilities = probabilities
                let ci = ScoreStatistics.bootstrap(labels: dataset.labels, probabilities: probabilities)
                extras["accuracy_ci"] = [ci.accuracy.lowerBound, ci.accuracy.upperBound]
                if let a = ci.auc { extras["roc_auc_ci"] = [a.lowerBound, a.upperBound] }
                if let detector = patchMode ? patchDetector : try? Detector(m), detector.isBinary {
                    let band = detector.unsureBand
                    // Per image, the band of the detector that judged it (a router has two).
                    let judge = { (i: Int) in judges.isEmpty ? detector : judges[i] }
                    let inBand = dataset.labels.indices.filter { judge($0).isUnsure(pFake: probabilities[$0][1]) }
                    // Outside the band but far from the training images: UNSURE as well (Familiarity).
                    let unfamiliar = distances.isEmpty ? [] : dataset.labels.indices.filter {
                        !judge($0).isUnsure(pFake: probabilities[$0][1]) && judge($0).isUnfamiliar(distances[$0])
                    }
                    let undecided = Set(inBand + unfamiliar)
                    let decided = dataset.labels.indices.filter { !undecided.contains($0) }.map { (dataset.labels[$0], probabilities[$0]) }
                    let share = 1 - Double(decided.count) / Double(max(dataset.count, 1))
                    let decidedAccuracy = Double(decided.filter { ($0.1[1] >= 0.5 ? 1 : 0) == $0.0 }.count) / Double(max(decided.count, 1))
                    extras["temperature"] = m.temperature
                    extras["unsure_band"] = [band.lowerBound, band.upperBound]
                    extras["unsure_share"] = share
                    extras["unsure_band_share"] = Double(inBand.count) / Double(max(dataset.count, 1))
                    // How often the pixel verdict would have been right on the images the familiarity rule held back.
                    let unfamiliarRight = unfamiliar.filter { (probabilities[$0][1] >= 0.5 ? 1 : 0) == dataset.labels[$0] }.count
                    if let familiar = detector.familiarity {
                        extras["unfamiliar_share"] = Double(unfamiliar.count) / Double(max(dataset.count, 1))
                        extras["unfamiliar_pixel_right"] = unfamiliarRight
                        extras["familiarity_threshold"] = familiar.threshold
                    }
                    extras["decided_accuracy"] = decidedAccuracy
                    let raw = patchMode ? probabilities.indices.map { judge($0).uncalibrated(probabilities[$0]) }
                        : m.temperature == 1 ? probabilities : Predictor.probabilities(m.model, dataset: dataset, augmentation: tta)
                    extras["ece_uncalibrated"] = Calibration.expectedCalibrationError(labels: dataset.labels, probabilities: raw)
                    calibrationLines = [("temperature", String(format: "%.4f", m.temperature)),
                                        ("ECE before → after calibration", String(format: "%.4f → %.4f", extras["ece_uncalibrated"] as! Double,
                                                                                    Calibration.expectedCalibrationError(labels: dataset.labels, probabilities: probabilities))),
                                        ("UNSURE band", String(format: "(%.4f, %.4f)", band.lowerBound, band.upperBound)),
                                        ("share UNSURE", String(format: "%.2f %% (%d in the band, %d unfamiliar)", share * 100, inBand.count, unfamiliar.count)),
                                        ("accuracy on decided images", String(format: "%.4f", decidedAccuracy))]
                    if let familiar = detector.familiarity {
                        calibrationLines.append(("familiarity", String(format: "%d of %d images unfamiliar (distance above %.3f, k %d): UNSURE; their pixel verdicts were right for %d",
                                                                          unfamiliar.count, dataset.count, familiar.threshold, familiar.k, unfamiliarRight)))
                    }
                    if let (small, side) = detector.smallInputs {
                        let routed = judges.filter { $0 === small }.count
                        extras["router"] = ["small_input_max_side": side, "small_input_images": routed]
                        calibrationLines.append(("size router", String(format: "%d of %d images (<= %d px a side) scored by the small-image model: temperature %.4f, band (%.4f, %.4f)",
                                                                           routed, dataset.count, side, small.temperature, small.unsureBand.lowerBound, small.unsureBand.upperBound)))
                    }
                }
            }
            if path == model[0], let predictions {
                var csv = "path,label," + m.classes.names.map { "p_\($0.lowercased())" }.joined(separator: ",") + "\n"
                for (item, p) in zip(dataset.items, probabilities) {
                    csv += "\"\(item.path.replacingOccurrences(of: "\"", with: "\"\""))\",\(item.label)," + p.map { String(format: "%.6f", $0) }.joined(separator: ",") + "\n"
                }
                try csv.write(toFile: predictions, atomically: true, encoding: .utf8)
            }
        }
        if ensemble {
            let mean = Predictor.mean(members)
            let nll = ScoreStatistics.logLoss(labels: dataset.labels, probabilities: mean)
            rows.append(("ensemble (mean of \(model.count))", ClassificationMetrics(labels: dataset.labels, probabilities: mean, loss: nll),
                         rows.reduce(0) { $0 + $1.2 }))
            let ci = ScoreStatistics.bootstrap(labels: dataset.labels, probabilities: mean).accuracy
            ensembleCI = [ci.lowerBound, ci.upperBound]
        }
        let sweep = try perturb.flatMap { try Perturbation.parse($0) }
        var robustness: [[String: Any]] = []
        // With --ensemble the sweep scores the ensemble (every member on the degraded images at its input size), else the first model.
        let sweptRow = ensemble ? rows.count - 1 : 0
        if !sweep.isEmpty {
            let clean = rows[sweptRow].1
            let cleanProbabilities = ensemble ? Predictor.mean(members) : firstProbabilities
            func argmax(_ p: [Double]) -> Int { p.indices.max { p[$0] < p[$1] } ?? 0 }
            for p in sweep {
                let probs = patchMode ? try nativeProbabilities(p) : Predictor.mean((ensemble ? loaded : [loaded[0]]).map { m in
                    let degraded = datasets[m.inputSize]!.mapped { img, i in p.apply(img, index: i) }
                    return Predictor.probabilities(m.model, dataset: degraded, temperature: m.temperature, augmentation: tta)
                })
                let m = ClassificationMetrics(labels: dataset.labels, probabilities: probs)
                // Share of images whose predicted class changed: a shortcut audit asks whether re-encoding or resizing flips verdicts.
                let flipped = Double(zip(probs, cleanProbabilities).filter { argmax($0.0) != argmax($0.1) }.count) / Double(max(probs.count, 1))
                robustness.append(["perturbation": p.description, "accuracy": m.accuracy, "roc_auc": m.rocAUC ?? Double.nan,
                                   "accuracy_drop": clean.accuracy - m.accuracy, "flipped": flipped])
            }
        }
        if let out, let (path, metrics, _) = rows.first {
            let ci = extras["accuracy_ci"] as! [Double], auc = extras["roc_auc_ci"] as? [Double]
            let report = EvaluationReport(
                modelPath: path, dataDescription: data.joined(separator: " "), classes: loaded[0].classes.names, metrics: metrics,
                probabilities: firstProbabilities, dataset: dataset, accuracyCI: ci[0]...ci[1], aucCI: auc.map { $0[0]...$0[1] },
                robustness: ensemble ? [] : robustness.map { ($0["perturbation"] as! String, $0["accuracy"] as! Double, $0["roc_auc"] as! Double, $0["accuracy_drop"] as! Double) },
                calibration: calibrationLines)
            let files = try report.write(to: URL(fileURLWithPath: out))
            FileHandle.standardError.write(Data("wrote \(files.count) files to \(out) (open report.html)\n".utf8))
        }
        if format == .json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            for (row, (path, m, seconds)) in rows.enumerated() {
                var obj = try JSONSerialization.jsonObject(with: enc.encode(m)) as! [String: Any]
                obj["model"] = path
                obj["classes"] = loaded[0].classes.names
                obj["seconds"] = seconds
                obj["tta"] = tta.rawValue
                if ensemble && path == rows.last?.0 { obj["accuracy_ci"] = ensembleCI; obj["members"] = model }
                if !robustness.isEmpty && row == sweptRow { obj["robustness"] = robustness }
                if path == model[0] { for (k, v) in extras { obj[k] = v } }
                print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
            }
            return
        }
        print("\(dataset.count) images, classes \(loaded[0].classes.names.joined(separator: ", "))" + (tta == .none ? "" : ", test-time augmentation \(tta)"))
        print("model".padding(toLength: 44, withPad: " ", startingAt: 0) + "  accuracy  precision  recall      F1  ROC-AUC  log-loss     ECE")
        for (path, m, _) in rows {
            let name = path.count > 44 ? "…" + path.suffix(43) : path
            print(name.padding(toLength: 44, withPad: " ", startingAt: 0)
                  + String(format: "  %8.4f  %9.4f  %6.4f  %6.4f  %7.4f  %8.4f  %6.4f", m.accuracy, m.precision, m.recall, m.f1, m.rocAUC ?? .nan, m.loss ?? .nan, m.ece))
        }
        if loaded[0].classes.names.count > 2 { print("ROC-AUC: each class's probability ranks that class against the rest; the macro mean") }
        if let ci = extras["accuracy_ci"] as? [Double] {
            print(String(format: "accuracy 95 %% CI %.4f-%.4f", ci[0], ci[1]) + ((extras["roc_auc_ci"] as? [Double]).map { String(format: ", ROC-AUC 95 %% CI %.4f-%.4f", $0[0], $0[1]) } ?? ""))
        }
        if ensemble { print(String(format: "ensemble accuracy 95 %% CI %.4f-%.4f", ensembleCI[0], ensembleCI[1])) }
        for (k, v) in calibrationLines { print("\(k): \(v)") }
        if !robustness.isEmpty {
            let clean = rows[sweptRow].1
            print("robustness of \(ensemble ? "the ensemble" : model[0]):")
            print("  perturbation   accuracy  ROC-AUC  drop (points)  flipped")
            print("  " + "clean".padding(toLength: 13, withPad: " ", startingAt: 0) + String(format: "  %8.4f  %7.4f  %6.2f", clean.accuracy, clean.rocAUC ?? .nan, 0.0))
            for r in robustness {
                print("  " + (r["perturbation"] as! String).padding(toLength: 13, withPad: " ", startingAt: 0)
                      + String(format: "  %8.4f  %7.4f  %6.2f         %5.1f %%", r["accuracy"] as! Double, r["roc_auc"] as! Double,
                               (r["accuracy_drop"] as! Double) * 100, (r["flipped"] as! Double) * 100))
            }
        }
        if rows.count == 1, let m = rows.first?.1 {
            print("confusion (rows: true, columns: predicted) " + loaded[0].classes.names.joined(separator: " / "))
            for (name, row) in zip(loaded[0].classes.names, m.confusion) { print("  \(name.padding(toLength: 6, withPad: " ", startingAt: 0)) " + row.map { String(format: "%6d", $0) }.joined(separator: " ")) }
        }
    }
}

extension TestTimeAugmentation: ExpressibleByArgument {}
