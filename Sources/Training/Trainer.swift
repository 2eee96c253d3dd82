import ClassifierMetrics
import Data
import Foundation
import Inference
import Models
import NN
import Tensor

/// What a running trainer reports (the CLI draws progress bars from these).
public protocol TrainingObserver: AnyObject {
    func dataLoaded(train: Int, val: Int, classes: [String], failures: [(path: String, error: String)])
    func epochStarted(_ epoch: Int, of epochs: Int, batches: Int)
    func batchFinished(_ batch: Int, loss: Double, accuracy: Double, precision: Double, recall: Double)
    func epochFinished(_ record: EpochRecord, best: Bool)
    func interrupted(epoch: Int, batch: Int)
    /// Something the run goes on with but the user should know (one line).
    func warning(_ message: String)
}

extension TrainingObserver {
    /// Ignores warnings (observers that print them override this).
    public func warning(_ message: String) {}
}

/// Trains a model as `TrainConfig` says, writing to its run folder:
/// `config.json`, `metrics.jsonl`, `metrics.csv`, `last.safetensors` (every epoch, and on interrupt),
/// `best.safetensors` (best validation accuracy), `curves.png` / `curves.svg`, `examples.png`, and
/// `val.jsonl` (the held-out validation images, when no --val was given) and a TensorBoard event file
/// (`events.out.tfevents.*`, scalars per epoch). A run resumed from `last` continues bit for bit.
public final class Trainer {
    /// The run's settings (validated at `init`).
    public let config: TrainConfig
    /// Where the run writes its files (`RunFolder`).
    public let folder: RunFolder
    /// The run folder's location.
    public var runFolder: URL { folder.url }
    /// Set from a signal handler: the trainer checkpoints after the current batch and returns.
    public let stop = StopFlag()
    private weak var observer: TrainingObserver?
    /// The edit logs' rectangles by file name, parsed once by `TrainConfig.validate` (empty without a region loss or
    /// fresh edits).
    private let editBoxes: [String: RegionBox]

    /// A trainer for `config` (validated here: a bad field throws `TrainingError.invalidConfig`); `observer` hears
    /// progress.
    public init(config: TrainConfig, observer: TrainingObserver? = nil) throws {
        editBoxes = try config.validate()
        self.config = config
        folder = RunFolder(config.out)
        self.observer = observer
    }

    /// Side at which images are held in memory: `nativeSize` for patch training, else the model's input.
    private var storedSize: Int { config.nativeSize ?? config.inputSize }
    private var fit: DecodedDataset.Fit { config.nativeSize == nil ? .resize : .cropOrPad }
    /// The window the model sees of each stored image (patch training), nil for the whole image.
    private var crop: Int? { config.nativeSize == nil ? nil : config.inputSize }

    /// The run's datasets: training (optionally limited) and validation (given, or held out).
    public func loadData(progress: ((Int) -> Void)? = nil) throws -> (train: DecodedDataset, val: DecodedDataset) {
        let all = try DecodedDataset.load(DatasetSource(paths: config.data), size: storedSize, fit: fit, progress: progress)
        guard all.count > 0 else { throw TrainingError.invalidConfig("no readable images in \(config.data)") }
        var trainIdx: [Int] = [], valIdx: [Int] = []
        var rng = SplitMix64(seed: (config.splitSeed ?? config.seed) ^ 0x5EED_0F_DA7A)
        for c in 0..<all.classes.count {
            var idx = all.labels.indices.filter { all.labels[$0] == c }
            idx.shuffle(using: &rng)
            let held = config.val.isEmpty ? Int((Double(idx.count) * config.valFraction).rounded()) : 0
            valIdx += idx.prefix(held)
            var rest = Array(idx.dropFirst(held))
            if let limit = config.limit { rest = Array(rest.prefix(max(1, limit / all.classes.count))) }
            trainIdx += rest
        }
        let train = all.subset(trainIdx.sorted())
        let val = config.val.isEmpty ? all.subset(valIdx.sorted())
            : try DecodedDataset.load(DatasetSource(paths: config.val), size: storedSize, fit: fit, classes: all.classes)
        if config.val.isEmpty {
            // The held-out images, so calibration and later checks can use exactly them.
            try folder.create()
            try Manifest.write(val.items, to: folder.file("val.jsonl"))
        }
        observer?.dataLoaded(train: train.count, val: val.count, classes: all.classes.names, failures: all.failures + (config.val.isEmpty ? [] : val.failures))
        // Logged names that match no image read (a log made for another shard, say) teach nothing, and the images the
        // log was meant for get "nothing edited". Checked against everything read, so --limit does not trigger it;
        // runs without edit logs skip it.
        if !editBoxes.isEmpty {
            let unmatched = Set(editBoxes.keys).subtracting((all.items + (config.val.isEmpty ? [] : val.items)).map(\.fileName))
            if let example = unmatched.min() {
                observer?.warning("\(unmatched.count) of \(editBoxes.count) names in the edit logs match no image in the data (e.g. \(example)); the log may be for another shard")
            }
        }
        return (train, val)
    }

    /// Everything one run trains with, built once by `makeSession`: the network, its optimizer and schedule, the
    /// batches, and the optional region-loss head.
    private struct Session {
        let model: Module
        let optimizer: Optimizer
        let schedule: LRSchedule
        let loader: BatchLoader
        let region: (head: Conv2d, stride: Int, grid: Int, boxes: [RegionBox?])?
        /// Weight tensors of rank >= 2, for the L1 / L2 penalties.
        let weights: [Tensor]
        let classes: Int
        var perEpoch: Int { loader.batchCount }
    }

    /// The training figures of one epoch so far.
    private struct EpochTally {
        var losses = 0.0
        var counts: RunningCounts
    }

    /// Trains from scratch, or from `last.safetensors` in the run folder when `resume` is set.
    @discardableResult
    public func run(resume: Bool = false, data: (train: DecodedDataset, val: DecodedDataset)? = nil) throws -> [EpochRecord] {
        try folder.create()
        let (train, val) = try data ?? loadData()
        classNames = train.classes.names
        let session = try makeSession(train: train, resume: resume)
        var state = RunState()
        var records: [EpochRecord] = []
        if resume {
            state = try restore(model: session.model, optimizer: session.optimizer, regionHead: session.region?.head)
            // A kill between writing an epoch's metrics and its checkpoint leaves a line the checkpoint
            // does not cover: drop it, the epoch is trained again.
            let all = try readRecords()
            records = all.filter { $0.epoch <= state.epoch }
            if records.count != all.count { try rewriteRecords(records) }
        } else {
            try writeConfig()
            folder.remove("metrics.jsonl", "metrics.csv")
        }
        let events = try TensorBoardWriter(folder: runFolder)
        for epoch in state.epoch..<config.epochs {
            let started = Date()
            observer?.epochStarted(epoch + 1, of: config.epochs, batches: session.perEpoch)
            guard let tally = try trainEpoch(session, epoch: epoch, state: state) else { return records }
            let (record, valProbabilities) = try validate(session, train: train, val: val, epoch: epoch, tally: tally, started: started)
            records.append(record)
            try append(record)
            try events.add(scalars: [("train/loss", record.trainLoss), ("train/accuracy", record.trainAccuracy),
                                     ("val/loss", record.valLoss), ("val/accuracy", record.valAccuracy), ("val/f1", record.valF1),
                                     ("val/roc_auc", record.valAUC ?? .nan), ("lr", record.learningRate)], step: epoch + 1)
            try RunFigures.writeCurves(records, to: runFolder)
            try RunFigures.writeExamples(val, probabilities: valProbabilities, epoch: epoch + 1, to: runFolder)
            let isBest = record.valAccuracy > state.best
            state = RunState(epoch: epoch + 1, batch: 0, best: max(state.best, record.valAccuracy))
            try save(session.model, session.optimizer, name: "last", state: state, regionHead: session.region?.head)
            if isBest { try save(session.model, session.optimizer, name: "best", state: state, withOptimizer: false) }
            observer?.epochFinished(record, best: isBest)
            if stop.isSet && epoch + 1 < config.epochs {
                observer?.interrupted(epoch: epoch + 1, batch: session.perEpoch)
                return records
            }
        }
        return records
    }

    /// The network (pretrained or warm-started on a fresh run), the optional region head, the optimizer with the
    /// backbone's learning-rate scale, the batch loader and the schedule over the whole run.
    private func makeSession(train: DecodedDataset, resume: Bool) throws -> Session {
        let classes = train.classes
        let model = try ModelFactory.make(config.model, classes: classes.count, inputSize: config.inputSize,
                                          width: config.width, depth: config.depth, dropPath: Float(config.dropPath), seed: config.seed)
        if config.bnRecalibrate > 0 && model.batchNormLayers.isEmpty {
            throw TrainingError.invalidConfig("bn_recalibrate: '\(config.model)' has no batch norm")
        }
        let backbone = try prepareBackbone(model, loadPretrained: !resume)
        let region = try makeRegionLoss(model, train: train)
        let optimizer = makeOptimizer(model.parameters() + (region?.head.parameters().map { (Self.regionHeadPrefix + $0.name, $0.tensor) } ?? []))
        optimizer.learningRateScales = Dictionary(uniqueKeysWithValues: backbone.map { ($0, Float(config.backboneLRScale)) })
        let loader = BatchLoader(dataset: train, batchSize: config.batch, shuffle: true, seed: config.seed,
                                 augmentation: config.augment.isEmpty ? nil : try Augmentation(config.augment),
                                 regions: region?.boxes, regionGrid: region?.grid ?? 0, redrawer: try makeRedrawer(train: train), crop: crop)
        let schedule = makeSchedule(totalSteps: config.epochs * loader.batchCount)
        let weights = model.parameters().filter { $0.name.hasSuffix("weight") && $0.tensor.rank >= 2 }.map(\.tensor)
        return Session(model: model, optimizer: optimizer, schedule: schedule, loader: loader, region: region, weights: weights,
                       classes: classes.count)
    }

    /// Trains one epoch from batch `state.batch` (a mid-epoch resume covers the remaining batches only). Returns the
    /// epoch's training figures, or nil when a stop request ended it early (after saving `last`).
    private func trainEpoch(_ session: Session, epoch: Int, state: RunState) throws -> EpochTally? {
        let (model, optimizer) = (session.model, session.optimizer)
        model.setTraining(true)
        if config.freezeBackbone { for m in model.modules() where !(m is Dropout) { m.setModeOnly(training: false) } }
        var tally = EpochTally(counts: RunningCounts(classes: session.classes))
        var batchIndex = state.batch
        for batch in session.loader.batches(epoch: epoch, startingAt: state.batch) {
            let step = epoch * session.perEpoch + batchIndex
            optimizer.learningRate = Float(session.schedule.learningRate(at: step, base: config.lr))
            if let m = session.schedule.momentum(at: step), let cycled = optimizer as? MomentumOptimizer { cycled.momentum = Float(m) }
            let (loss, logits) = self.loss(session, batch: batch)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            tally.losses += Double(loss.item) * Double(batch.labels.count)
            tally.counts.add(labels: batch.labels, probabilities: Predictor.probabilities(logits: logits.detached()))
            batchIndex += 1
            observer?.batchFinished(batchIndex, loss: tally.losses / Double(max(tally.counts.n, 1)), accuracy: tally.counts.accuracy,
                                    precision: tally.counts.precision, recall: tally.counts.recall)
            if stop.isSet && batchIndex < session.perEpoch {
                try save(model, optimizer, name: "last", state: RunState(epoch: epoch, batch: batchIndex, best: state.best),
                         regionHead: session.region?.head)
                observer?.interrupted(epoch: epoch + 1, batch: batchIndex)
                return nil
            }
        }
        return tally
    }

    /// The training loss of one batch (cross-entropy, plus the region loss and the weight penalties when on) and the
    /// batch's logits.
    private func loss(_ session: Session, batch: LoaderBatch) -> (loss: Tensor, logits: Tensor) {
        let logits: Tensor, regionLogits: Tensor?
        if let region = session.region, let net = session.model as? RegionFeatureNetwork {
            let out = net.logitsAndRegionFeatures(batch.images, stride: region.stride)
            (logits, regionLogits) = (out.logits, region.head(out.region))
        } else {
            (logits, regionLogits) = (session.model(batch.images), nil)
        }
        var loss = session.classes == 2
            ? Loss.binaryCrossEntropy(logits: logits, targets: batch.labels.map(Float.init))
            : Loss.softmaxCrossEntropy(logits: logits, labels: batch.labels)
        if let regionLogits, let targets = batch.regionTargets {
            loss = loss + Loss.binaryCrossEntropy(logits: regionLogits, targets: targets) * Float(config.regionLoss)
        }
        if config.l1 > 0 { loss = loss + Loss.l1Penalty(session.weights, lambda: Float(config.l1)) }
        if config.l2 > 0 { loss = loss + Loss.l2Penalty(session.weights, lambda: Float(config.l2)) }
        return (loss, logits)
    }

    /// After an epoch: re-estimates batch-norm statistics when asked, scores the validation images and forms the
    /// epoch's record.
    private func validate(_ session: Session, train: DecodedDataset, val: DecodedDataset, epoch: Int, tally: EpochTally,
                          started: Date) throws -> (EpochRecord, [[Double]]) {
        if config.bnRecalibrate > 0 {
            // Unaugmented training images in this epoch's order: the same batches on a resumed run.
            let plain = BatchLoader(dataset: train, batchSize: config.batch, shuffle: true, seed: config.seed, crop: crop)
            session.model.recalibrateBatchNorm(plain.leadingFullBatches(epoch: epoch, count: config.bnRecalibrate))
        }
        let valProbabilities = Predictor.probabilities(session.model, dataset: val, crop: crop)
        let valMetrics = ClassificationMetrics(labels: val.labels, probabilities: valProbabilities,
                                               loss: ScoreStatistics.logLoss(labels: val.labels, probabilities: valProbabilities))
        let (losses, counts) = (tally.losses, tally.counts)
        let record = EpochRecord(
            epoch: epoch + 1, trainLoss: losses / Double(max(counts.n, 1)), trainAccuracy: counts.accuracy,
            trainPrecision: counts.precision, trainRecall: counts.recall, valLoss: valMetrics.loss ?? 0,
            valAccuracy: valMetrics.accuracy, valPrecision: valMetrics.precision, valRecall: valMetrics.recall, valF1: valMetrics.f1,
            valAUC: valMetrics.rocAUC, learningRate: Double(session.optimizer.learningRate), seconds: Date().timeIntervalSince(started))
        return (record, valProbabilities)
    }

    // MARK: Optimizer and schedule

    /// Loads pretrained weights or the `init_from` checkpoint (a fresh run only) and freezes the backbone when
    /// asked. Returns the names of the trainable backbone parameters (those that get `backbone_lr_scale`).
    private func prepareBackbone(_ model: Module, loadPretrained: Bool) throws -> [String] {
        if loadPretrained, let path = config.initFrom { try loadInitialWeights(model, from: path) }
        guard let net = model as? PretrainedBackbone else { return [] }
        if loadPretrained, let path = config.pretrained {
            try net.loadTorchStateDict(Safetensors.read(URL(fileURLWithPath: path)).tensors)
        }
        let backbone = net.parameters().map(\.name).filter { !net.isHeadParameter($0) }
        if config.freezeBackbone {
            for (name, t) in net.parameters() where !net.isHeadParameter(name) { t.requiresGrad = false }
            return []
        }
        return backbone
    }

    /// Copies a checkpoint's weights into `model` (names and shapes must match). An `effnet-lite0`
    /// checkpoint with another number of classes gives its backbone only: the head starts fresh.
    private func loadInitialWeights(_ model: Module, from path: String) throws {
        var tensors = try Checkpoint.modelTensors(Safetensors.read(URL(fileURLWithPath: path)).tensors)
        if let net = model as? PretrainedBackbone {
            for (name, own) in model.namedTensors() where net.isHeadParameter(name) && tensors[name]?.shape != own.shape {
                tensors[name] = own.copy()
            }
        }
        try Checkpoint.load(into: model, tensors: tensors, path: path)
    }

    // MARK: Edit-localisation loss

    /// Where `last.safetensors` keeps the region head (see `TrainConfig.regionLoss`).
    static let regionHeadPrefix = Checkpoint.auxiliaryPrefix + "region_head."

    /// The region loss's head (a 3x3 convolution to one logit per cell of the `regionStride` grid), the grid's stride
    /// and side, and each training image's edited rectangle from the edit logs; nil when `region_loss` is 0.
    private func makeRegionLoss(_ model: Module, train: DecodedDataset) throws -> (head: Conv2d, stride: Int, grid: Int, boxes: [RegionBox?])? {
        guard config.regionLoss > 0 else { return nil }
        guard let net = model as? RegionFeatureNetwork else { throw TrainingError.invalidConfig("region_loss applies to the effnet-lite models only") }
        let boxes = train.items.map { editBoxes[$0.fileName] }
        guard boxes.contains(where: { $0 != nil }) else {
            throw TrainingError.invalidConfig("no training image is named in the edit logs \(config.editLogs.joined(separator: ", "))")
        }
        var rng = SplitMix64(seed: config.seed ^ 0x2E61_0A_4EAD)
        let stride = config.effectiveRegionStride
        let head = Conv2d(net.regionChannels(stride: stride), 1, kernel: 3, padding: .same, initializer: .glorotUniform, using: &rng)
        return (head, stride, config.inputSize / stride, boxes)
    }

    // MARK: Fresh edits

    /// With `fresh_edits`, a new edit each epoch for every EDITED training image named in the edit logs whose source
    /// photo is in the data: `<kind>-<name>` was made from the REAL image `<name>` (`discern dataset edit`'s naming),
    /// read again from `data` at the size edits are made. The kinds drawn are those the training names show. Nil when
    /// `fresh_edits` is off.
    private func makeRedrawer(train: DecodedDataset) throws -> EditRedrawer? {
        guard config.freshEdits else { return nil }
        let parsed = train.items.map { editBoxes[$0.fileName] == nil ? nil : EditRedrawer.parse(editedName: $0.fileName) }
        let wanted = Set(parsed.compactMap { $0?.source })
        let sources = try DecodedDataset.load(DatasetSource(paths: config.data), size: EditedSetMaker.editSize,
                                              keep: { $0.label == Self.editSourceLabel && wanted.contains($0.fileName) })
        var byName: [String: Int] = [:], repeated = 0
        for (k, item) in sources.items.enumerated() {
            if byName[item.fileName] == nil { byName[item.fileName] = k } else { repeated += 1 }
        }
        guard repeated == 0 else {
            throw TrainingError.invalidConfig("fresh_edits: \(repeated) \(Self.editSourceLabel) file names occur more than once in the data, "
                                              + "so an edit's source photo is ambiguous")
        }
        let index = parsed.map { $0.flatMap { byName[$0.source] } }
        guard index.contains(where: { $0 != nil }) && sources.count >= 2 else {
            throw TrainingError.invalidConfig("fresh_edits: \(sources.count) of the edited training images' source photos (\(Self.editSourceLabel) "
                                              + "image <name> for <kind>-<name>) are in \(config.data.joined(separator: ", ")); at least 2 are needed")
        }
        let missing = zip(parsed, index).lazy.filter { $0.0 != nil && $0.1 == nil }.count
        if missing > 0 { observer?.warning("fresh_edits: \(missing) edited training images have no source photo in the data; they keep their stored edit") }
        let kinds = Set(parsed.compactMap { $0?.kind })
        return EditRedrawer(sources: sources, sourceIndex: index, outputSize: config.inputSize, kinds: ImageEdit.allCases.filter(kinds.contains))
    }

    /// The label of the photos `discern dataset edit` edits (its `--from` default).
    static let editSourceLabel = "REAL"

    private func makeOptimizer(_ p: [(name: String, tensor: Tensor)]) -> Optimizer {
        config.optimizer.make(p, learningRate: Float(config.lr), momentum: Float(config.momentum), weightDecay: Float(config.weightDecay))
    }

    private func makeSchedule(totalSteps: Int) -> LRSchedule { config.schedule.make(totalSteps: totalSteps) }

    // MARK: Run folder

    struct RunState {
        var epoch = 0, batch = 0
        var best = -1.0
    }

    private func writeConfig() throws { try folder.writeJSON(config, to: "config.json") }

    private func append(_ record: EpochRecord) throws {
        try folder.appendJSONLine(record, to: "metrics.jsonl")
        if !folder.contains("metrics.csv") { try folder.appendLine(EpochRecord.csvHeader, to: "metrics.csv") }
        try folder.appendLine(record.csvLine, to: "metrics.csv")
    }

    private func rewriteRecords(_ records: [EpochRecord]) throws {
        folder.remove("metrics.jsonl", "metrics.csv")
        for r in records { try append(r) }
    }

    private func readRecords() throws -> [EpochRecord] { try folder.readJSONLines(EpochRecord.self, from: "metrics.jsonl") }

    /// Writes `<name>.safetensors`: weights, buffers, optimizer state and the run state in metadata.
    /// `regionHead` (training only) is kept with the optimizer state, under `auxiliary/`.
    private func save(_ model: Module, _ optimizer: Optimizer, name: String, state: RunState, withOptimizer: Bool = true,
                      regionHead: Conv2d? = nil) throws {
        var extra: [String: Tensor] = [:]
        if withOptimizer {
            for (k, t) in optimizer.stateDict() { extra[Checkpoint.optimizerPrefix + k] = t }
            for (k, t) in regionHead?.namedTensors() ?? [] { extra[Self.regionHeadPrefix + k] = t }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var metadata = CheckpointMetadata(architecture: config.model, classes: classNames, inputSize: config.inputSize)
        metadata.blasCore = BLASCore.current
        (metadata.width, metadata.depth) = (config.width, config.depth)
        metadata.preprocessing = #"{"layout":"NHWC","channels":"RGB","scale":"x/255","size":\#(config.inputSize)}"#
        metadata.config = String(decoding: try encoder.encode(config), as: UTF8.self)
        (metadata.epoch, metadata.batch, metadata.bestValAccuracy) = (state.epoch, state.batch, state.best)
        metadata.dropoutStates = model.dropoutLayers.map(\.generator.state)
        if let native = config.nativeSize {
            // Scored as native-resolution patches of input_size (Detector, PatchPlan); trained on windows of native_size crops.
            (metadata.inputMode, metadata.nativeSize) = ("patches", native)
        }
        try Checkpoint.save(model, metadata: metadata, extra: extra, to: folder.file("\(name).safetensors"))
    }

    /// Class names of the data being trained on (set when a run starts).
    private var classNames: [String] = []

    private func restore(model: Module, optimizer: Optimizer, regionHead: Conv2d?) throws -> RunState {
        let url = folder.file("last.safetensors")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TrainingError.cannotResume("\(url.path) does not exist")
        }
        let (map, extra) = try Checkpoint.load(into: model, from: url)
        let metadata = try CheckpointMetadata(map, path: url.path)
        guard metadata.architecture == config.model else {
            throw TrainingError.cannotResume("\(url.path) holds a \(metadata.architecture) model, the config says \(config.model)")
        }
        var state: [String: Tensor] = [:], head: [String: Tensor] = [:]
        for (k, t) in extra {
            if k.hasPrefix(Self.regionHeadPrefix) { head[String(k.dropFirst(Self.regionHeadPrefix.count))] = t }
            if k.hasPrefix(Checkpoint.optimizerPrefix) { state[String(k.dropFirst(Checkpoint.optimizerPrefix.count))] = t }
        }
        if let regionHead {
            guard !head.isEmpty else { throw TrainingError.cannotResume("\(url.path) has no region head (was region_loss off?)") }
            if let saved = head["weight"], saved.shape != regionHead.weight.shape {
                throw TrainingError.cannotResume("\(url.path) has a region head on \(saved.shape.count == 4 ? saved.shape[2] : 0) channels, "
                                                 + "this run's reads \(regionHead.weight.shape[2]) (was region_stride changed?)")
            }
            try Checkpoint.load(into: regionHead, tensors: head, path: url.path)
        }
        optimizer.loadStateDict(state)
        let seeds = metadata.dropoutStates ?? []
        guard seeds.count == model.dropoutLayers.count else {
            throw TrainingError.cannotResume("\(url.path) has \(seeds.count) dropout generators, this model \(model.dropoutLayers.count) (was drop_path changed?)")
        }
        for (d, s) in zip(model.dropoutLayers, seeds) { d.generator = SplitMix64(seed: s) }
        return RunState(epoch: metadata.epoch ?? 0, batch: metadata.batch ?? 0, best: metadata.bestValAccuracy ?? -1)
    }
}

/// A confusion matrix updated batch by batch (constant work per batch, unlike recomputing
/// metrics over the whole epoch so far).
struct RunningCounts {
    private var confusion: [[Int]]
    private(set) var n = 0

    init(classes: Int) { confusion = [[Int]](repeating: [Int](repeating: 0, count: max(2, classes)), count: max(2, classes)) }

    mutating func add(labels: [Int], probabilities: [[Double]]) {
        for (y, p) in zip(labels, probabilities) {
            confusion[y][p.indices.max { p[$0] < p[$1] } ?? 0] += 1
            n += 1
        }
    }

    var accuracy: Double { n == 0 ? 0 : Double(confusion.indices.reduce(0) { $0 + confusion[$1][$1] }) / Double(n) }

    /// Of the positive class (FAKE) for binary problems, macro-averaged otherwise.
    var precision: Double { average { c in let p = confusion.indices.reduce(0) { $0 + confusion[$1][c] }; return p == 0 ? 0 : Double(confusion[c][c]) / Double(p) } }
    var recall: Double { average { c in let a = confusion[c].reduce(0, +); return a == 0 ? 0 : Double(confusion[c][c]) / Double(a) } }

    private func average(_ f: (Int) -> Double) -> Double {
        confusion.count == 2 ? f(1) : confusion.indices.map(f).reduce(0, +) / Double(confusion.count)
    }
}

/// A thread-safe flag a signal handler sets.
public final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    /// A flag that is not set.
    public init() {}
    /// Whether `set()` was called.
    public var isSet: Bool { lock.withLock { value } }
    /// Sets the flag (safe from any thread).
    public func set() { lock.withLock { value = true } }
}
