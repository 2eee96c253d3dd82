import Data
import Foundation
import Models

/// Everything that defines a training run. Saved as `config.json` in the run folder; a YAML or JSON
/// file given with `--config` supplies it, and command-line flags override single fields.
public struct TrainConfig: Codable, Sendable, Equatable {
    /// Architecture (`ModelFactory.architectures`).
    public var model = "cnn"
    /// Training data: folders, shards or manifests.
    public var data: [String] = []
    /// Validation data; when empty, `valFraction` of the training data (per class, seeded) is held out.
    public var val: [String] = []
    /// Share of the training data held out for validation when `val` is empty (0...0.5, per class, seeded).
    public var valFraction = 0.05
    /// Epochs to train (a resumed run continues to this count).
    public var epochs = 10
    /// Images per optimizer step.
    public var batch = 128
    /// The optimizer (`OptimizerKind`).
    public var optimizer = OptimizerKind.adam
    /// Base learning rate (the peak for one-cycle).
    public var lr = 1e-3
    /// L2 weight decay (decoupled for adamw).
    public var weightDecay = 0.0
    /// SGD momentum (Nesterov) / Adam beta1.
    public var momentum = 0.9
    /// The learning-rate schedule (`ScheduleKind`).
    public var schedule = ScheduleKind.constant
    /// Augmentation steps (see `Augmentation`), empty for none.
    public var augment = ""
    /// Seed of the weights, the order, augmentation and dropout.
    public var seed: UInt64 = 0
    /// Seed of the held-out validation split (with `valFraction`); nil = `seed`. Runs with different seeds can then
    /// hold out the same images, so their validation figures (and a soup or ensemble of them) stay comparable.
    /// The same shuffle picks the `limit` subset, so with `limit` this seed also decides which training images are used.
    public var splitSeed: UInt64?
    /// Run folder.
    public var out = "runs/run"
    /// Input side in pixels (images are resized, or patches cut, to `inputSize` x `inputSize`).
    public var inputSize = 32
    /// Patch training (issue #31): images are decoded at native resolution, centre-cropped or mirror-padded to
    /// `nativeSize` x `nativeSize` (never resampled), augmented there, and cut to a random `inputSize` window (the
    /// centred one for validation); the checkpoint is marked `input_mode: patches`, so `classify` scores
    /// native-resolution patches (`PatchPlan`). nil: images are resized to `inputSize` (the CIFAKE way).
    public var nativeSize: Int?
    /// ResNet width and blocks per stage.
    public var width = 16
    /// See `width`.
    public var depth = 3
    /// EfficientNet drop path (stochastic depth): block i of 16 gets rate dropPath * i / 16 (blocks with a shortcut
    /// only), 0 = off (the reference trains with 0.2).
    public var dropPath = 0.0
    /// L1 / L2 penalties on weight tensors (Keras-style regularisers).
    public var l1 = 0.0
    /// See `l1`.
    public var l2 = 0.0
    /// Use at most this many training images (seeded, per class balanced), for quick runs.
    public var limit: Int?
    /// ImageNet weights for an `effnet-lite` model (safetensors from `scripts/weights/fetch_effnet_lite.sh`).
    public var pretrained: String?
    /// Train only the classifier head; the pretrained backbone stays fixed (batch norm in inference mode).
    public var freezeBackbone = false
    /// Learning-rate multiplier for the backbone (discriminative learning rates; the head uses 1).
    public var backboneLRScale = 1.0
    /// A checkpoint of the same architecture and classes to start from (warm start: its weights, a fresh
    /// optimizer and schedule), e.g. a second, augmented fine-tuning round of a trained detector. For
    /// `effnet-lite0` the classes may differ: a binary detector's backbone can start a 3-class model.
    public var initFrom: String?
    /// Before each validation, re-estimate batch-norm statistics from this many unaugmented training batches
    /// with dropout off (`Module.recalibrateBatchNorm`); 0 = off. For networks with dropout before batch norm
    /// (`patchgan`), whose running variance is otherwise that of the dropped-out activations.
    public var bnRecalibrate = 0
    /// Weight of the edit-localisation loss (an `effnet-lite` model only; 0 = off): a small head on the region
    /// features (`regionStride`: stage 4's, at stride 16, by default) predicts, for each cell of the feature grid, how
    /// much of it an edit covers, and its binary cross-entropy (weighted by this) is added to the classification
    /// loss. The head is for training only: it is kept in `last.safetensors` (for resuming) under `auxiliary/`, and
    /// `best.safetensors` is a plain classifier.
    /// The training loss a run reports (per batch and in `metrics.jsonl`) includes this term; validation loss does not.
    public var regionLoss = 0.0
    /// Input pixels per cell of the region loss's grid: 8 or 16 (the stage-2 or stage-4 features; 4 or 8 with the
    /// stride-1 stem of `effnet-lite0-s1`); nil = 16 (8 with that stem). See `EfficientNetLite.regionStrides`.
    public var regionStride: Int?
    /// `discern dataset edit --log` files giving the edited rectangle of training images (matched by file name);
    /// every other training image's target is "nothing edited". Needed by `regionLoss` and `freshEdits`.
    public var editLogs: [String] = []
    /// Give every EDITED training image named in `editLogs` a new edit of its source photo each epoch (`EditRedrawer`:
    /// a new kind, rectangle, strength and donor, made as `discern dataset edit` makes them), instead of the one
    /// stored edit. The source photos (`<kind>-<name>` was made from the REAL image `<name>`) must be in `data`.
    /// The kinds drawn are those the training images' names show; edits are taken as drawn (no `--min-change`).
    /// Validation images, and the batches `bnRecalibrate` reads, keep their stored edits.
    public var freshEdits = false

    /// The defaults above (a 10-epoch `cnn` run with Adam).
    public init() {}

    enum CodingKeys: String, CodingKey {
        case model, data, val, epochs, batch, optimizer, lr, momentum, schedule, augment, seed, out, width, depth, l1, l2, limit, pretrained
        case freezeBackbone = "freeze_backbone", backboneLRScale = "backbone_lr_scale", initFrom = "init_from"
        case valFraction = "val_fraction", splitSeed = "split_seed", weightDecay = "weight_decay", inputSize = "input_size", dropPath = "drop_path"
        case bnRecalibrate = "bn_recalibrate", regionLoss = "region_loss", regionStride = "region_stride", editLogs = "edit_logs"
        case freshEdits = "fresh_edits", nativeSize = "native_size"
    }

    /// Reads a config file's fields (snake_case keys); absent fields keep their defaults, an unknown optimizer or
    /// schedule name is `TrainingError.invalidConfig`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TrainConfig()
        model = try c.decodeIfPresent(String.self, forKey: .model) ?? d.model
        data = try c.decodeIfPresent([String].self, forKey: .data) ?? d.data
        val = try c.decodeIfPresent([String].self, forKey: .val) ?? d.val
        valFraction = try c.decodeIfPresent(Double.self, forKey: .valFraction) ?? d.valFraction
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
        batch = try c.decodeIfPresent(Int.self, forKey: .batch) ?? d.batch
        // Read as names so that a bad one is a config error naming the field and the choices.
        optimizer = try c.decodeIfPresent(String.self, forKey: .optimizer).map { try .named($0, field: "optimizer") } ?? d.optimizer
        lr = try c.decodeIfPresent(Double.self, forKey: .lr) ?? d.lr
        weightDecay = try c.decodeIfPresent(Double.self, forKey: .weightDecay) ?? d.weightDecay
        momentum = try c.decodeIfPresent(Double.self, forKey: .momentum) ?? d.momentum
        schedule = try c.decodeIfPresent(String.self, forKey: .schedule).map { try .named($0, field: "schedule") } ?? d.schedule
        augment = try c.decodeIfPresent(String.self, forKey: .augment) ?? d.augment
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        splitSeed = try c.decodeIfPresent(UInt64.self, forKey: .splitSeed) ?? d.splitSeed
        out = try c.decodeIfPresent(String.self, forKey: .out) ?? d.out
        inputSize = try c.decodeIfPresent(Int.self, forKey: .inputSize) ?? d.inputSize
        nativeSize = try c.decodeIfPresent(Int.self, forKey: .nativeSize)
        width = try c.decodeIfPresent(Int.self, forKey: .width) ?? d.width
        depth = try c.decodeIfPresent(Int.self, forKey: .depth) ?? d.depth
        dropPath = try c.decodeIfPresent(Double.self, forKey: .dropPath) ?? d.dropPath
        l1 = try c.decodeIfPresent(Double.self, forKey: .l1) ?? d.l1
        l2 = try c.decodeIfPresent(Double.self, forKey: .l2) ?? d.l2
        limit = try c.decodeIfPresent(Int.self, forKey: .limit)
        pretrained = try c.decodeIfPresent(String.self, forKey: .pretrained)
        freezeBackbone = try c.decodeIfPresent(Bool.self, forKey: .freezeBackbone) ?? d.freezeBackbone
        backboneLRScale = try c.decodeIfPresent(Double.self, forKey: .backboneLRScale) ?? d.backboneLRScale
        initFrom = try c.decodeIfPresent(String.self, forKey: .initFrom)
        bnRecalibrate = try c.decodeIfPresent(Int.self, forKey: .bnRecalibrate) ?? d.bnRecalibrate
        regionLoss = try c.decodeIfPresent(Double.self, forKey: .regionLoss) ?? d.regionLoss
        regionStride = try c.decodeIfPresent(Int.self, forKey: .regionStride)
        editLogs = try c.decodeIfPresent([String].self, forKey: .editLogs) ?? d.editLogs
        freshEdits = try c.decodeIfPresent(Bool.self, forKey: .freshEdits) ?? d.freshEdits
    }

    /// `regionStride`, or the model's default when it is nil.
    public var effectiveRegionStride: Int {
        regionStride ?? EfficientNetLite.regionStride(stemStride: ModelFactory.efficientNetStemStride(model))
    }

    /// Checks values a run cannot start with; the message names the field.
    /// - Returns: the edited rectangles of `editLogs` by file name (parsed once here, so a bad log stops the run
    ///   before any image is decoded); empty when neither `regionLoss` nor `freshEdits` reads them.
    @discardableResult
    public func validate() throws -> [String: RegionBox] {
        func fail(_ m: String) throws { throw TrainingError.invalidConfig(m) }
        if data.isEmpty { try fail("no training data (--data)") }
        if epochs <= 0 { try fail("epochs must be positive") }
        if batch <= 0 { try fail("batch must be positive") }
        if !(lr > 0) { try fail("lr must be positive") }
        if val.isEmpty && !(valFraction > 0 && valFraction < 0.5) { try fail("val_fraction must be in (0, 0.5) when no --val is given") }
        if inputSize < 16 { try fail("input_size must be at least 16") }
        if let nativeSize {
            if nativeSize < inputSize { try fail("native_size must be at least input_size (\(inputSize))") }
            if regionLoss > 0 || freshEdits { try fail("native_size does not combine with region_loss or fresh_edits") }
        }
        if !(dropPath >= 0 && dropPath < 1) { try fail("drop_path must be in [0, 1)") }
        if dropPath > 0 && !ModelFactory.isEfficientNet(model) { try fail("drop_path applies to the effnet-lite models only") }
        if dropPath > 0 && freezeBackbone { try fail("drop_path needs a trained backbone: not with freeze_backbone") }
        if let pretrained {
            if !ModelFactory.isEfficientNet(model) { try fail("pretrained weights exist only for the effnet-lite models, not '\(model)'") }
            if !FileManager.default.fileExists(atPath: pretrained) {
                try fail("pretrained weights not found at \(pretrained) (scripts/weights/fetch_effnet_lite.sh VARIANT fetches them)")
            }
        }
        if freezeBackbone && !ModelFactory.isEfficientNet(model) { try fail("freeze_backbone needs a pretrained backbone (an effnet-lite model)") }
        if bnRecalibrate < 0 { try fail("bn_recalibrate must be 0 (off) or a number of batches") }
        if bnRecalibrate > 0 && freezeBackbone { try fail("bn_recalibrate would change the frozen backbone's statistics: not with freeze_backbone") }
        if !(backboneLRScale > 0) { try fail("backbone_lr_scale must be positive") }
        if !(regionLoss >= 0 && regionLoss.isFinite) { try fail("region_loss must be 0 (off) or a positive weight") }
        if regionLoss > 0 && !ModelFactory.isEfficientNet(model) { try fail("region_loss applies to the effnet-lite models only") }
        if regionLoss > 0 && editLogs.isEmpty { try fail("region_loss needs the edited rectangles: give edit_logs (--edit-log)") }
        if regionLoss > 0 && freezeBackbone { try fail("region_loss trains the backbone: not with freeze_backbone") }
        if freshEdits && editLogs.isEmpty { try fail("fresh_edits needs to know which images are edits: give edit_logs (--edit-log)") }
        if !editLogs.isEmpty && regionLoss == 0 && !freshEdits {
            try fail("edit_logs are read only by region_loss and fresh_edits: give --region-loss or --fresh-edits too, or drop --edit-log")
        }
        for path in editLogs where !FileManager.default.fileExists(atPath: path) { try fail("edit log not found at \(path)") }
        if let initFrom {
            if !FileManager.default.fileExists(atPath: initFrom) { try fail("init_from checkpoint not found at \(initFrom)") }
            if pretrained != nil { try fail("give either pretrained or init_from, not both") }
        }
        if regionStride != nil && regionLoss == 0 { try fail("region_stride is read only by region_loss: give --region-loss too, or drop --region-stride") }
        if regionLoss > 0 {
            let strides = EfficientNetLite.regionStrides(stemStride: ModelFactory.efficientNetStemStride(model))
            if let regionStride, !strides.contains(regionStride) {
                try fail("region_stride must be \(strides.map(String.init).joined(separator: " or ")) for \(model), not \(regionStride)")
            }
            let stride = effectiveRegionStride
            if inputSize % stride != 0 { try fail("region_loss needs input_size a multiple of \(stride) (the feature grid's stride)") }
        }
        // Given edit logs are read by region_loss or fresh_edits (checked above); none read gives no rectangles.
        do { return try EditLog.read(editLogs) } catch { throw TrainingError.invalidConfig("\(error)") }
    }
}

/// Why training could not start or continue.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(String)
    case cannotResume(String)

    /// The one-line message `discern train` prints.
    public var description: String {
        switch self {
        case let .invalidConfig(m): return "invalid training configuration: \(m)"
        case let .cannotResume(m): return "cannot resume: \(m)"
        }
    }
}
