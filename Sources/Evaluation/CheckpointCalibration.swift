import ClassifierMetrics
import Data
import Foundation
import Inference
import NN
import Tensor

/// Why a checkpoint cannot be calibrated on the given data.
public enum CheckpointCalibrationError: Error, CustomStringConvertible, Equatable {
    /// The model has more or fewer than two classes.
    case notBinary(classes: [String])
    /// Batch-norm re-estimation was asked for a patch model (it is for whole-image models).
    case recalibrationOfPatchModel
    /// Batch-norm re-estimation was asked for a model without batch norm.
    case noBatchNorm
    /// The held-out data did not give readable images of both classes.
    case needsBothClasses(scored: Int)

    /// One line for the user.
    public var description: String {
        switch self {
        case .notBinary(let classes): "calibrate handles binary models; this one has \(classes)"
        case .recalibrationOfPatchModel: "--bn-recalibrate is for whole-image models"
        case .noBatchNorm: "--bn-recalibrate: this model has no batch norm"
        case .needsBothClasses(let scored): "--data needs readable REAL and FAKE images; scored \(scored)"
        }
    }
}

/// Fits a binary checkpoint's temperature and UNSURE band on held-out data and writes them into its metadata
/// (what `discern calibrate` does).
///
/// Whole-image models are scored at their input size (`Predictor.binaryLogits`); a patch model (`input_mode: patches`)
/// on each held-out image at native resolution, its patches aggregated as classify aggregates them, with any earlier
/// temperature undone. A size router's small-input model is left alone.
public struct CheckpointCalibration {
    /// The checkpoint to calibrate.
    public var model: URL
    /// Held-out labelled data (folders, shards, manifests such as a run's `val.jsonl`).
    public var data: [String]
    /// Largest share of held-out images allowed in the UNSURE band, in [0, 0.5).
    public var maxUnsure: Double
    /// Re-estimate batch-norm statistics from this many batches of 128 of `data` (dropout off) first; 0 = keep them.
    public var batchNormBatches: Int

    /// What a calibration found and wrote.
    public struct Outcome: Equatable, Sendable {
        /// Held-out images the fit used.
        public var count: Int
        /// The fitted temperature (logits are divided by it).
        public var temperature: Double
        /// Expected calibration error (15 bins) before and after the temperature.
        public var eceBefore: Double, eceAfter: Double
        /// The UNSURE band of calibrated p(FAKE).
        public var band: ClosedRange<Double>
        /// Batches the batch-norm statistics were re-estimated from (0 = not asked).
        public var batchNormBatchesUsed: Int
        /// Images of the data set the re-estimation drew from.
        public var batchNormImages: Int
    }

    /// A calibration of `model` on `data`.
    public init(model: URL, data: [String], maxUnsure: Double = 0.05, batchNormBatches: Int = 0) {
        (self.model, self.data, self.maxUnsure, self.batchNormBatches) = (model, data, maxUnsure, batchNormBatches)
    }

    /// Fits and writes the calibrated checkpoint (model tensors only: no optimizer state) to `out`, which may be `model`.
    /// `progress(done, total)` reports the patch model's scoring.
    public func run(writingTo out: URL, progress: ((Int, Int) -> Void)? = nil) throws -> Outcome {
        let loaded = try LoadedModel(model)
        guard loaded.classes.count == 2 else { throw CheckpointCalibrationError.notBinary(classes: loaded.classes.names) }
        let detector = try Detector(loaded, routeSmallInputs: false)
        var logits: [Double], labels: [Int]
        var recalibrated: [(name: String, tensor: Tensor)] = []
        var (used, images) = (0, 0)
        if detector.inputMode == .patches {
            guard batchNormBatches == 0 else { throw CheckpointCalibrationError.recalibrationOfPatchModel }
            (logits, labels) = try patchLogits(detector, progress: progress)
        } else {
            let dataset = try DecodedDataset.load(DatasetSource(paths: data), size: loaded.inputSize, classes: loaded.classes)
            if batchNormBatches > 0 {
                let batches = BatchLoader(dataset: dataset, batchSize: 128, shuffle: true, seed: 0)
                    .leadingFullBatches(epoch: 0, count: batchNormBatches)
                used = loaded.model.recalibrateBatchNorm(batches)
                guard used > 0 else { throw CheckpointCalibrationError.noBatchNorm }
                images = dataset.count
                let statistics = Set(loaded.model.batchNormLayers.flatMap { [ObjectIdentifier($0.runningMean), ObjectIdentifier($0.runningVar)] })
                recalibrated = loaded.model.namedTensors().filter { statistics.contains(ObjectIdentifier($0.tensor)) }
            }
            (logits, labels) = (Predictor.binaryLogits(loaded.model, dataset: dataset), dataset.labels)
        }
        var outcome = try write(logits: logits, labels: labels, recalibrated: recalibrated, to: out)
        (outcome.batchNormBatchesUsed, outcome.batchNormImages) = (used, images)
        return outcome
    }

    /// Image-level logits of a patch model on native-resolution held-out images (its temperature undone), each image once.
    private func patchLogits(_ detector: Detector, progress: ((Int, Int) -> Void)?) throws -> ([Double], [Int]) {
        let source = try DatasetSource(paths: data)
        var items: [LabeledItem] = []
        try source.forEach { item, _ in items.append(item) }
        let scores = try NativeScoring.probabilities(detector, source: source) { progress?($0, items.count) }
        let classes = detector.loaded.classes
        var logits: [Double] = [], labels: [Int] = [], scored = Set<String>()
        for item in items where scored.insert(item.path).inserted {
            guard let s = scores[item.path], let label = classes.index(of: item.label) else { continue }
            let p = detector.uncalibrated(s.probabilities)
            logits.append(Foundation.log(max(p[1], 1e-300)) - Foundation.log(max(p[0], 1e-300)))
            labels.append(label)
        }
        guard Set(labels).count == 2 else { throw CheckpointCalibrationError.needsBothClasses(scored: labels.count) }
        return (logits, labels)
    }

    /// Fits the temperature and band to `logits` and writes the checkpoint with the re-estimated statistics.
    private func write(logits: [Double], labels: [Int], recalibrated: [(name: String, tensor: Tensor)], to target: URL) throws -> Outcome {
        let t = Calibration.fitTemperature(logits: logits, labels: labels)
        func probabilities(_ temperature: Double) -> [[Double]] { logits.map { LogitProbabilities.binary(logit: $0, temperature: temperature) } }
        let before = Calibration.expectedCalibrationError(labels: labels, probabilities: probabilities(1))
        let after = Calibration.expectedCalibrationError(labels: labels, probabilities: probabilities(t))
        let band = Calibration.unsureBand(probabilities: probabilities(t).map { $0[1] }, maxShare: maxUnsure)
        var (tensors, map) = try Safetensors.read(model)
        var metadata = try CheckpointMetadata(map, path: model.path)
        (metadata.temperature, metadata.unsureBand, metadata.calibrationData) = (t, band, data.joined(separator: " "))
        tensors = Checkpoint.withoutTrainingState(tensors)
        // LoadedModel took every tensor name from this checkpoint, so the statistics replace tensors that are there.
        for (name, tensor) in recalibrated { tensors[name] = tensor }
        if !recalibrated.isEmpty { metadata.bnRecalibrationData = data.joined(separator: " ") }
        try Safetensors.write(tensors, metadata: metadata.map, to: target)
        return Outcome(count: logits.count, temperature: t, eceBefore: before, eceAfter: after, band: band,
                       batchNormBatchesUsed: 0, batchNormImages: 0)
    }
}
