import ArgumentParser
import Data
import Foundation
import Models
import Training

/// `discern train`: trains a detector and writes a run folder.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a detector on REAL/FAKE images (folders, tar shards or manifests).",
        discussion: """
            Writes to --out: config.json, metrics.jsonl, metrics.csv, last.safetensors (every epoch) and best.safetensors \
            (best validation accuracy). Ctrl-C or SIGTERM saves last.safetensors after the current batch; --resume DIR continues exactly.
            Example: discern train --model resnet --data ../shared/data/cifake/train.tar.gz --epochs 30 --optimizer sgd --lr 0.1 \
            --schedule one-cycle --augment hflip,crop:4 --out runs/resnet
            Transfer: discern train --model effnet-lite0 --pretrained ~/.cache/discern/effnet-lite0-imagenet.safetensors \
            --input-size 64 --optimizer adamw --schedule one-cycle --lr 1e-3 --backbone-lr-scale 0.1 (add --freeze-backbone to train the head only; \
            effnet-lite1 and effnet-lite2 are the larger members of the family, with their own weights)
            """)

    @Option(help: "YAML or JSON file with the run's settings; flags override it.")
    var config: String?

    @Option(help: "Architecture: \(ModelFactory.architectures.joined(separator: ", ")).")
    var model: String?

    @Option(parsing: .upToNextOption, help: "Training data paths.")
    var data: [String] = []

    @Option(parsing: .upToNextOption, help: "Validation data paths (default: hold out --val-fraction of the training data).")
    var val: [String] = []

    @Option(help: "Share of training data held out for validation when --val is not given.")
    var valFraction: Double?

    @Option(help: "Epochs.") var epochs: Int?
    @Option(help: "Batch size.") var batch: Int?
    @Option(help: "Optimizer.") var optimizer: OptimizerKind?
    @Option(help: "Learning rate (peak rate for one-cycle).") var lr: Double?
    @Option(help: "Weight decay (decoupled for adamw).") var weightDecay: Double?
    @Option(help: "Before each validation, re-estimate batch-norm statistics from N unaugmented training batches with dropout off (for patchgan's dropout-before-batch-norm); 0 = off (default).") var bnRecalibrate: Int?
    @Option(help: "EfficientNet drop path (stochastic depth): block i of 16 skips its residual branch with probability RATE * i / 16; 0 = off (default 0).") var dropPath: Double?
    @Option(help: "SGD momentum / Adam beta1.") var momentum: Double?
    @Option(help: "Learning-rate schedule.") var schedule: ScheduleKind?
    @Option(help: "Augmentations, e.g. hflip,crop:4,jpeg:30-95 (see docs).") var augment: String?
    @Option(help: "Random seed (weights, order, augmentation, dropout).") var seed: UInt64?
    @Option(help: "Seed of the held-out validation split (default: --seed), to keep one split across seeds.") var splitSeed: UInt64?
    @Option(help: "Run folder.") var out: String?
    @Option(help: "Input side length.") var inputSize: Int?
    @Option(help: "Patch training: hold images at native resolution, centre-cropped or mirror-padded to this side (never resampled), augment there and train on random --input-size windows; the checkpoint then scores images as native-resolution patches.")
    var nativeSize: Int?
    @Option(help: "ResNet base width.") var width: Int?
    @Option(help: "ResNet blocks per stage.") var depth: Int?
    @Option(help: "L1 penalty on weights.") var l1: Double?
    @Option(help: "L2 penalty on weights.") var l2: Double?
    @Option(help: "Use at most this many training images (quick runs).") var limit: Int?
    @Option(help: "ImageNet weights for an effnet-lite model (safetensors made by scripts/weights/fetch_effnet_lite.sh 0|1|2).")
    var pretrained: String?
    @Flag(help: "Train only the classifier head on a frozen pretrained backbone.") var freezeBackbone = false
    @Option(help: "Learning-rate multiplier of the pretrained backbone (discriminative rates, e.g. 0.1).")
    var backboneLrScale: Double?
    @Option(name: .customLong("init"), help: "Start from this checkpoint's weights (same architecture; same classes, except that an effnet-lite model may change its head) with a fresh optimizer and schedule.")
    var initFrom: String?
    @Option(help: "Weight of the edit-localisation loss (effnet-lite only; 0 = off): a head on the stride-16 features (see --region-stride) learns where each training image was edited, from --edit-log.")
    var regionLoss: Double?
    @Option(help: "Input pixels per cell of the --region-loss grid: 8 or 16 (default 16; 4 or 8, default 8, for effnet-lite0-s1).")
    var regionStride: Int?
    @Option(name: .customLong("edit-log"), parsing: .upToNextOption, help: "`discern dataset edit --log` files with the edited rectangles of training images (for --region-loss and --fresh-edits).")
    var editLogs: [String] = []
    @Flag(help: "Give each edited training image (named in --edit-log) a new edit of its source photo every epoch, made as `discern dataset edit` makes them; the source photos must be in --data.")
    var freshEdits = false

    @Option(help: "Continue the run in this folder from its last.safetensors.")
    var resume: String?

    func effectiveConfig() throws -> TrainConfig {
        var c = TrainConfig()
        if let resume {
            c = try ConfigFile.load(URL(fileURLWithPath: resume).appendingPathComponent("config.json").path)
            c.out = resume
        } else if let config {
            c = try ConfigFile.load(config)
        }
        if let model { c.model = model }
        if !data.isEmpty { c.data = data }
        if !val.isEmpty { c.val = val }
        if let valFraction { c.valFraction = valFraction }
        if let epochs { c.epochs = epochs }
        if let batch { c.batch = batch }
        if let optimizer { c.optimizer = optimizer }
        if let lr { c.lr = lr }
        if let weightDecay { c.weightDecay = weightDecay }
        if let dropPath { c.dropPath = dropPath }
        if let bnRecalibrate { c.bnRecalibrate = bnRecalibrate }
        if let momentum { c.momentum = momentum }
        if let schedule { c.schedule = schedule }
        if let augment { c.augment = augment }
        if let seed { c.seed = seed }
        if let splitSeed { c.splitSeed = splitSeed }
        if let out { c.out = out }
        if let inputSize { c.inputSize = inputSize }
        if let nativeSize { c.nativeSize = nativeSize }
        if let width { c.width = width }
        if let depth { c.depth = depth }
        if let l1 { c.l1 = l1 }
        if let l2 { c.l2 = l2 }
        if let limit { c.limit = limit }
        if let pretrained { c.pretrained = pretrained }
        if freezeBackbone { c.freezeBackbone = true }
        if let backboneLrScale { c.backboneLRScale = backboneLrScale }
        if let initFrom { c.initFrom = initFrom }
        if let regionLoss { c.regionLoss = regionLoss }
        if let regionStride { c.regionStride = regionStride }
        if !editLogs.isEmpty { c.editLogs = editLogs }
        if freshEdits { c.freshEdits = true }
        if !ModelFactory.architectures.contains(c.model) {
            throw ValidationError("unknown model '\(c.model)' (known: \(ModelFactory.architectures.joined(separator: ", ")))")
        }
        if !c.augment.isEmpty {
            do { _ = try Augmentation(c.augment) } catch { throw ValidationError("\(error)") }
        }
        return c
    }

    func run() throws {
        let c = try effectiveConfig()
        let reporter = TrainingReporter()
        // The trainer validates the config (edit logs included) before any image is decoded; a bad value is a usage error.
        let trainer: Trainer
        do { trainer = try Trainer(config: c, observer: reporter) } catch let error as TrainingError { throw ValidationError("\(error)") }
        let signals = SignalStopper(flag: trainer.stop)
        defer { withExtendedLifetime(signals) {} }
        print("training \(c.model) for \(c.epochs) epochs, output in \(c.out)")
        let progress = ProgressBar(total: 0, label: "decode", unknownTotal: true)
        let data = try trainer.loadData { progress.update($0) }
        progress.finish(data.train.count + data.val.count)
        let records = try trainer.run(resume: resume != nil, data: data)
        if let best = records.max(by: { $0.valAccuracy < $1.valAccuracy }) {
            print(String(format: "best validation accuracy %.2f %% at epoch %d; checkpoints in %@", best.valAccuracy * 100, best.epoch, c.out))
        }
    }
}

/// Prints progress for a training run.
final class TrainingReporter: TrainingObserver {
    private var bar: ProgressBar?

    func dataLoaded(train: Int, val: Int, classes: [String], failures: [(path: String, error: String)]) {
        print("data: \(train) training and \(val) validation images, classes \(classes.joined(separator: ", "))")
        for f in failures.prefix(20) { FileHandle.standardError.write(Data("skipped \(f.error)\n".utf8)) }
        if failures.count > 20 { FileHandle.standardError.write(Data("... and \(failures.count - 20) more unreadable inputs\n".utf8)) }
    }

    func epochStarted(_ epoch: Int, of epochs: Int, batches: Int) {
        bar = ProgressBar(total: batches, label: "epoch \(epoch)/\(epochs)")
    }

    func batchFinished(_ batch: Int, loss: Double, accuracy: Double, precision: Double, recall: Double) {
        bar?.update(batch, status: String(format: "loss %.4f acc %.4f prec %.4f rec %.4f", loss, accuracy, precision, recall))
    }

    func epochFinished(_ r: EpochRecord, best: Bool) {
        // A 3-class run's AUC is the macro mean of each class's one-against-the-rest AUC (ClassificationMetrics).
        let auc = r.valAUC.map { String(format: " AUC %.4f", $0) } ?? ""
        print(String(format: "epoch %d: train loss %.4f acc %.4f | val loss %.4f acc %.4f prec %.4f rec %.4f F1 %.4f%@ | lr %.2g | %.0f s%@",
                     r.epoch, r.trainLoss, r.trainAccuracy, r.valLoss, r.valAccuracy, r.valPrecision, r.valRecall, r.valF1,
                     auc, r.learningRate, r.seconds, best ? " (best)" : ""))
    }

    func interrupted(epoch: Int, batch: Int) {
        print("stopped in epoch \(epoch) after batch \(batch); last.safetensors saved, continue with --resume")
    }

    func warning(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }
}

/// Turns SIGINT / SIGTERM into a stop request (the trainer checkpoints, then returns).
final class SignalStopper {
    private var sources: [DispatchSourceSignal] = []

    init(flag: StopFlag) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("\nstopping after this batch (signal \(sig))...\n".utf8))
                flag.set()
            }
            source.resume()
            sources.append(source)
        }
    }
}

extension OptimizerKind: ExpressibleByArgument {}
extension ScheduleKind: ExpressibleByArgument {}
