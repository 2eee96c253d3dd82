import ArgumentParser
import ClassifierMetrics
import Data
import Foundation
import Inference
import NN
import Tensor

/// `discern calibrate`: fits a temperature and an unsure band on held-out data and stores them in the checkpoint.
struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit temperature scaling and the UNSURE band on held-out data; store them in the checkpoint's metadata.",
        discussion: """
            Use the run's val.jsonl (never the test split). evaluate and classify then report calibrated p_fake.
            --bn-recalibrate N first re-estimates the batch-norm statistics from N batches of the data with dropout off \
            (train --bn-recalibrate does it during training), for networks with dropout before batch norm (patchgan).
            A patch model (input_mode: patches) is fitted on its image-level scores: each held-out image at native \
            resolution, its patches aggregated as classify aggregates them. A size router's small-input checkpoint is \
            left alone (calibrate it on its own data).
            """)

    @Option(help: "Checkpoint of a binary (REAL/FAKE) model.")
    var model: String

    @Option(parsing: .upToNextOption, help: "Held-out labelled data, e.g. runs/NAME/val.jsonl.")
    var data: [String]

    @Option(help: "Largest share of held-out images allowed in the UNSURE band.")
    var maxUnsure: Double = 0.05

    @Option(help: "Re-estimate batch-norm statistics from N batches of 128 of --data (dropout off) before fitting; 0 = keep them (default).")
    var bnRecalibrate: Int = 0

    @Option(help: "Where to write the calibrated checkpoint (default: overwrite --model).")
    var out: String?

    func validate() throws {
        guard (0..<0.5).contains(maxUnsure) else { throw ValidationError("--max-unsure must be in [0, 0.5)") }
        guard FileManager.default.fileExists(atPath: model) else { throw ValidationError("\(model): no such checkpoint") }
        guard bnRecalibrate >= 0 else { throw ValidationError("--bn-recalibrate must be 0 (off) or a number of batches") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: model)
        let loaded = try LoadedModel(url)
        guard loaded.classes.count == 2 else { throw ValidationError("calibrate handles binary models; this one has \(loaded.classes.names)") }
        let detector = try Detector(loaded, routeSmallInputs: false)
        if detector.inputMode == .patches {
            guard bnRecalibrate == 0 else { throw ValidationError("--bn-recalibrate is for whole-image models") }
            return try calibratePatchModel(detector, url: url)
        }
        let dataset = try DecodedDataset.load(DatasetSource(paths: data), size: loaded.inputSize, classes: loaded.classes)
        var recalibrated: [(name: String, tensor: Tensor)] = []
        if bnRecalibrate > 0 {
            let batches = BatchLoader(dataset: dataset, batchSize: 128, shuffle: true, seed: 0).leadingFullBatches(epoch: 0, count: bnRecalibrate)
            let used = loaded.model.recalibrateBatchNorm(batches)
            guard used > 0 else { throw ValidationError("--bn-recalibrate: this model has no batch norm") }
            let statistics = Set(loaded.model.batchNormLayers.flatMap { [ObjectIdentifier($0.runningMean), ObjectIdentifier($0.runningVar)] })
            recalibrated = loaded.model.namedTensors().filter { statistics.contains(ObjectIdentifier($0.tensor)) }
            print("batch-norm statistics re-estimated from \(used) batch(es) of \(dataset.count) images, dropout off")
        }
        let logits = Predictor.binaryLogits(loaded.model, dataset: dataset)
        try fit(logits: logits, labels: dataset.labels, url: url, recalibrated: recalibrated)
    }

    /// Image-level logits of a patch model on native-resolution held-out images (its temperature undone).
    func calibratePatchModel(_ detector: Detector, url: URL) throws {
        let source = try DatasetSource(paths: data)
        var items: [LabeledItem] = []
        try source.forEach { item, _ in items.append(item) }
        let bar = ProgressBar(total: items.count, label: "score patches")
        let scores = try NativeScoring.probabilities(detector, source: source) { bar.update($0) }
        bar.finish(items.count)
        let classes = detector.loaded.classes
        var logits: [Double] = [], labels: [Int] = [], scored = Set<String>()
        for item in items where scored.insert(item.path).inserted {
            guard let s = scores[item.path], let label = classes.index(of: item.label) else { continue }
            let p = detector.uncalibrated(s.probabilities)
            logits.append(Foundation.log(max(p[1], 1e-300)) - Foundation.log(max(p[0], 1e-300)))
            labels.append(label)
        }
        guard Set(labels).count == 2 else { throw ValidationError("--data needs readable REAL and FAKE images; scored \(labels.count)") }
        try fit(logits: logits, labels: labels, url: url, recalibrated: [])
    }

    /// Fits the temperature and band to `logits` and writes the checkpoint (model tensors only: no optimizer state).
    func fit(logits: [Double], labels: [Int], url: URL, recalibrated: [(name: String, tensor: Tensor)]) throws {
        let t = Calibration.fitTemperature(logits: logits, labels: labels)
        func probs(_ temp: Double) -> [[Double]] { logits.map { LogitProbabilities.binary(logit: $0, temperature: temp) } }
        let before = Calibration.expectedCalibrationError(labels: labels, probabilities: probs(1))
        let after = Calibration.expectedCalibrationError(labels: labels, probabilities: probs(t))
        let band = Calibration.unsureBand(probabilities: probs(t).map { $0[1] }, maxShare: maxUnsure)
        var (tensors, map) = try Safetensors.read(url)
        var metadata = try CheckpointMetadata(map, path: url.path)
        (metadata.temperature, metadata.unsureBand, metadata.calibrationData) = (t, band, data.joined(separator: " "))
        tensors = Checkpoint.withoutTrainingState(tensors)
        // LoadedModel took every tensor name from this checkpoint, so the statistics replace tensors that are there.
        for (name, tensor) in recalibrated { tensors[name] = tensor }
        if !recalibrated.isEmpty { metadata.bnRecalibrationData = data.joined(separator: " ") }
        let target = URL(fileURLWithPath: out ?? model)
        try Safetensors.write(tensors, metadata: metadata.map, to: target)
        print(String(format: "%d held-out images: temperature %.4f, ECE %.4f -> %.4f, unsure band (%.4f, %.4f); wrote %@",
                     logits.count, t, before, after, band.lowerBound, band.upperBound, target.path))
    }
}
