import ClassifierMetrics
import Data
import Foundation
import Imaging
import Inference

/// Reports progress of a long evaluation step (decoding, scoring); `discern evaluate` draws progress bars from it.
public protocol EvaluationProgress: AnyObject {
    /// A step named `label` begins; `total` items, or nil when unknown.
    func start(_ label: String, total: Int?)
    /// `done` items of the current step are finished.
    func update(_ done: Int)
    /// The current step ended after `done` items.
    func finish(_ done: Int)
}

/// Why an evaluation could not run (the message names the model or data).
public struct EvaluationError: Error, CustomStringConvertible {
    /// The one-line message.
    public let description: String
}

/// `discern evaluate`'s work, without the printing: score one or more checkpoints on labelled data (whole images,
/// or a patch model's native-resolution patches), optionally their ensemble, the UNSURE figures of the first
/// model, and a robustness sweep.
public struct ModelEvaluation {
    /// One model's (or the ensemble's) figures: `path` names it; `seconds` is its scoring time.
    public struct Row {
        /// The checkpoint path, or `ensemble (mean of N)`.
        public let path: String
        /// Metrics of its calibrated probabilities (with log-loss).
        public let metrics: ClassificationMetrics
        /// Scoring time in seconds.
        public let seconds: Double
    }

    /// One perturbation of the sweep: accuracy and ROC-AUC on the perturbed images, the drop from clean (0...1) and
    /// the share of images whose predicted class changed.
    public struct Robustness {
        /// The perturbation's spelling, e.g. `jpeg:60`.
        public let perturbation: String
        /// Accuracy on the perturbed images (0...1).
        public let accuracy: Double
        /// ROC-AUC on them (NaN with one class).
        public let rocAUC: Double
        /// Clean accuracy minus perturbed accuracy (0...1).
        public let accuracyDrop: Double
        /// Share of images whose predicted class changed (0...1).
        public let flipped: Double
    }

    /// The first model's calibration and UNSURE figures (a REAL/FAKE model only).
    public struct UnsureSummary {
        /// The checkpoint's temperature and UNSURE band of p_fake.
        public let temperature: Double
        /// See `temperature`.
        public let band: ClosedRange<Double>
        /// Images in the band, and images outside it that the familiarity rule held back as unfamiliar.
        public let inBand: Int
        /// See `inBand`.
        public let unfamiliar: Int
        /// Of the unfamiliar images, how many the pixel verdict had right.
        public let unfamiliarRight: Int
        /// Share of all images that are UNSURE (band or unfamiliar), and of those in the band (0...1).
        public let share: Double
        /// See `share`.
        public let bandShare: Double
        /// Accuracy on the images not UNSURE.
        public let decidedAccuracy: Double
        /// Expected calibration error without and with the temperature.
        public let eceUncalibrated: Double
        /// See `eceUncalibrated`.
        public let eceCalibrated: Double
        /// The familiarity measure, when the detector has one.
        public let familiarity: Familiarity?
        /// A size router's largest small side, how many images went to its small model, and that model.
        public let router: (maxSide: Int, routed: Int, small: Detector)?
    }

    /// The images, decoded at the first model's input size (64 px for a patch model: labels, order, contact sheets).
    public let dataset: DecodedDataset
    /// One row per model in order, then the ensemble's when asked.
    public let rows: [Row]
    /// The first model's calibrated probabilities, in `dataset` order.
    public let firstProbabilities: [[Double]]
    /// Bootstrap 95 % intervals of the first model's accuracy and ROC-AUC.
    public let accuracyCI: ClosedRange<Double>
    /// See `accuracyCI`.
    public let aucCI: ClosedRange<Double>?
    /// UNSURE figures of the first model, nil for a model with more than two classes.
    public let unsure: UnsureSummary?
    /// The ensemble's accuracy interval, with `ensemble`.
    public let ensembleCI: ClosedRange<Double>?
    /// The sweep, on the first model or (with `ensemble`) the ensemble.
    public let robustness: [Robustness]
    /// Which row the sweep belongs to.
    public let sweptRow: Int

    /// Runs the evaluation.
    /// - Parameters:
    ///   - paths: each model's path (its row name); `models` the loaded checkpoints, same order.
    ///   - data: labelled data (folders, shards, manifests).
    ///   - ensemble: also score the mean of the models' calibrated probabilities.
    ///   - tta: test-time augmentation of whole-image models.
    ///   - patchAggregation: overrides a patch model's aggregation.
    ///   - perturbations: the robustness sweep.
    ///   - onDecoded: called once the dataset is decoded (before scoring), e.g. to report skipped files.
    public static func run(paths: [String], models: [LoadedModel], data: [String], ensemble: Bool, tta: TestTimeAugmentation,
                           patchAggregation: PatchAggregation?, perturbations: [Perturbation], progress: EvaluationProgress? = nil,
                           onDecoded: (DecodedDataset) -> Void = { _ in }) throws -> ModelEvaluation {
        let first = models[0]
        // A patch model (trained with --native-size) scores native-resolution images through its patch plan; the
        // dataset is then decoded small only for labels, order and the report's contact sheets.
        let patchDetector = try? Detector(first, aggregation: patchAggregation)
        // A size router (small_input_model) also scores native images: each goes to the detector its size picks.
        let patchMode = patchDetector?.inputMode == .patches || patchDetector?.smallInputs != nil
        if patchMode && (models.count > 1 || tta != .none) {
            throw EvaluationError(description: "\(paths[0]) is a patch model or size router: evaluate it alone, without --ensemble or --tta")
        }
        progress?.start("decode", total: nil)
        let dataset = try DecodedDataset.load(DatasetSource(paths: data), size: patchMode ? 64 : first.inputSize,
                                              classes: first.classes) { progress?.update($0) }
        progress?.finish(dataset.count)
        onDecoded(dataset)
        // The detector that judged each image (a router's small-input one or the first model's), and each image's
        // distance to the judge's training images (nil without a familiarity measure), when scored natively.
        var judges: [Detector] = []
        var distances: [Double?] = []
        func nativeProbabilities(_ perturbation: Perturbation?) throws -> [[Double]] {
            progress?.start(perturbation.map { "score \($0)" } ?? "score patches", total: dataset.count)
            let byPath = try NativeScoring.probabilities(patchDetector!, source: DatasetSource(paths: data),
                                                         transform: perturbation.map { p in { img, i in p.apply(img, index: i) } }) { progress?.update($0) }
            progress?.finish(dataset.count)
            let scores = try dataset.items.map { item in
                guard let s = byPath[item.path] else { throw EvaluationError(description: "\(item.path): decoded for the report but not scored") }
                return s
            }
            if perturbation == nil { judges = scores.map(\.judge); distances = scores.map(\.distance) }
            return scores.map(\.probabilities)
        }

        var rows: [Row] = []
        var firstProbabilities: [[Double]] = []
        var accuracyCI = 0.0...0.0, aucCI: ClosedRange<Double>?
        var unsure: UnsureSummary?
        var members: [[[Double]]] = []
        var datasets = [first.inputSize: dataset]
        for (index, (path, m)) in zip(paths, models).enumerated() {
            if ensemble && m.classes.names != first.classes.names {
                throw EvaluationError(description: "--ensemble: \(path) has classes \(m.classes.names), \(paths[0]) has \(first.classes.names)")
            }
            // Models of another input size (e.g. a 32x32 CNN beside the 64x64 default) see the same images decoded at their size.
            if datasets[m.inputSize] == nil && !patchMode {
                let other = try DecodedDataset.load(DatasetSource(paths: data), size: m.inputSize, classes: first.classes)
                guard other.labels == dataset.labels else {
                    throw EvaluationError(description: "\(path): the data decoded at \(m.inputSize)x\(m.inputSize) differs from the data at \(first.inputSize)x\(first.inputSize)")
                }
                datasets[m.inputSize] = other
            }
            let started = Date()
            let probabilities = patchMode ? try nativeProbabilities(nil)
                : Predictor.probabilities(m.model, dataset: datasets[m.inputSize]!, temperature: m.temperature, augmentation: tta)
            let seconds = Date().timeIntervalSince(started)
            if ensemble { members.append(probabilities) }
            let nll = ScoreStatistics.logLoss(labels: dataset.labels, probabilities: probabilities)
            rows.append(Row(path: path, metrics: ClassificationMetrics(labels: dataset.labels, probabilities: probabilities, loss: nll), seconds: seconds))
            guard index == 0 else { continue }
            firstProbabilities = probabilities
            let ci = ScoreStatistics.bootstrap(labels: dataset.labels, probabilities: probabilities)
            (accuracyCI, aucCI) = (ci.accuracy, ci.auc)
            if let detector = patchMode ? patchDetector : try? Detector(m), detector.isBinary {
                let raw = patchMode ? probabilities.indices.map { (judges.isEmpty ? detector : judges[$0]).uncalibrated(probabilities[$0]) }
                    : m.temperature == 1 ? probabilities : Predictor.probabilities(m.model, dataset: dataset, augmentation: tta)
                unsure = summary(detector, probabilities: probabilities, uncalibrated: raw, labels: dataset.labels, judges: judges,
                                 distances: distances, temperature: m.temperature)
            }
        }
        var ensembleCI: ClosedRange<Double>?
        if ensemble {
            let mean = Predictor.mean(members)
            let nll = ScoreStatistics.logLoss(labels: dataset.labels, probabilities: mean)
            rows.append(Row(path: "ensemble (mean of \(models.count))", metrics: ClassificationMetrics(labels: dataset.labels, probabilities: mean, loss: nll),
                            seconds: rows.reduce(0) { $0 + $1.seconds }))
            ensembleCI = ScoreStatistics.bootstrap(labels: dataset.labels, probabilities: mean).accuracy
        }
        // With --ensemble the sweep scores the ensemble (every member on the degraded images at its input size), else the first model.
        let sweptRow = ensemble ? rows.count - 1 : 0
        var robustness: [Robustness] = []
        if !perturbations.isEmpty {
            let clean = rows[sweptRow].metrics
            let cleanProbabilities = ensemble ? Predictor.mean(members) : firstProbabilities
            func argmax(_ p: [Double]) -> Int { p.indices.max { p[$0] < p[$1] } ?? 0 }
            for p in perturbations {
                let probs = patchMode ? try nativeProbabilities(p) : Predictor.mean((ensemble ? models : [first]).map { m in
                    let degraded = datasets[m.inputSize]!.mapped { img, i in p.apply(img, index: i) }
                    return Predictor.probabilities(m.model, dataset: degraded, temperature: m.temperature, augmentation: tta)
                })
                let m = ClassificationMetrics(labels: dataset.labels, probabilities: probs)
                // Share of images whose predicted class changed: a shortcut audit asks whether re-encoding or resizing flips verdicts.
                let flipped = Double(zip(probs, cleanProbabilities).filter { argmax($0.0) != argmax($0.1) }.count) / Double(max(probs.count, 1))
                robustness.append(Robustness(perturbation: p.description, accuracy: m.accuracy, rocAUC: m.rocAUC ?? .nan,
                                             accuracyDrop: clean.accuracy - m.accuracy, flipped: flipped))
            }
        }
        return ModelEvaluation(dataset: dataset, rows: rows, firstProbabilities: firstProbabilities, accuracyCI: accuracyCI, aucCI: aucCI,
                               unsure: unsure, ensembleCI: ensembleCI, robustness: robustness, sweptRow: sweptRow)
    }

    /// The UNSURE figures of a REAL/FAKE detector on `probabilities` (calibrated) and `uncalibrated`, per image judged
    /// by `judges[i]` (a router has two detectors; empty: `detector` for all) with familiarity `distances`.
    private static func summary(_ detector: Detector, probabilities: [[Double]], uncalibrated: [[Double]], labels: [Int], judges: [Detector],
                                distances: [Double?], temperature: Double) -> UnsureSummary {
        let judge = { (i: Int) in judges.isEmpty ? detector : judges[i] }
        let inBand = labels.indices.filter { judge($0).isUnsure(pFake: probabilities[$0][1]) }
        // Outside the band but far from the training images: UNSURE as well (Familiarity).
        let unfamiliar = distances.isEmpty ? [] : labels.indices.filter {
            !judge($0).isUnsure(pFake: probabilities[$0][1]) && judge($0).isUnfamiliar(distances[$0])
        }
        let undecided = Set(inBand + unfamiliar)
        let decided = labels.indices.filter { !undecided.contains($0) }.map { (labels[$0], probabilities[$0]) }
        let n = Double(max(labels.count, 1))
        // How often the pixel verdict would have been right on the images the familiarity rule held back.
        let unfamiliarRight = unfamiliar.filter { (probabilities[$0][1] >= 0.5 ? 1 : 0) == labels[$0] }.count
        let router = detector.smallInputs.map { small, side in (maxSide: side, routed: judges.filter { $0 === small }.count, small: small) }
        return UnsureSummary(
            temperature: temperature, band: detector.unsureBand, inBand: inBand.count, unfamiliar: unfamiliar.count, unfamiliarRight: unfamiliarRight,
            share: 1 - Double(decided.count) / n, bandShare: Double(inBand.count) / n,
            decidedAccuracy: Double(decided.filter { ($0.1[1] >= 0.5 ? 1 : 0) == $0.0 }.count) / Double(max(decided.count, 1)),
            eceUncalibrated: Calibration.expectedCalibrationError(labels: labels, probabilities: uncalibrated),
            eceCalibrated: Calibration.expectedCalibrationError(labels: labels, probabilities: probabilities),
            familiarity: detector.familiarity, router: router)
    }
}
