import Foundation

/// What a checkpoint says about its model, typed: the `__metadata__` map of its safetensors file (string keys to
/// string values, as the format requires), read and written in one place.
///
/// Versions: `format` is `discern-checkpoint-1` for every file this version writes; a file without `format` is a
/// legacy checkpoint (written before the field existed, or by hand) and is read with the old defaults made explicit
/// (classes `REAL,FAKE`, the input side from `preprocessing` or 32 px). Any other `format` is an error that names
/// it, so a newer file is never misread. Keys this version does not know are kept in `other` and written back, so
/// rewriting a checkpoint (calibrate, route, soup, familiarity) loses nothing. Written through `JSONEncoder` or
/// `Safetensors` the keys are sorted, so the same run gives the same bytes.
public struct CheckpointMetadata: Codable, Equatable, Sendable {
    /// The `format` value this version writes.
    public static let currentFormat = "discern-checkpoint-1"

    /// `currentFormat`, or nil for a legacy file.
    public var format: String?
    /// `ModelFactory` architecture name, e.g. `effnet-lite0`.
    public var architecture: String
    /// Class names in output order; two classes (`REAL`, `FAKE`) mean one logit.
    public var classes: [String]
    /// Input side in pixels (square `[N, inputSize, inputSize, 3]` batches).
    public var inputSize: Int
    /// ResNet base width and blocks per stage (absent for other architectures in older files).
    public var width: Int?
    /// ResNet blocks per stage (key `depth`).
    public var depth: Int?
    /// How pixels become the input, as JSON text (layout, channels, scale, size).
    public var preprocessing: String?
    /// The BLAS kernel set that trained it (reproducibility note).
    public var blasCore: String?
    /// The `TrainConfig` of the run, as JSON text.
    public var config: String?
    /// Run state for resuming: epochs done, batches done in the current epoch, best validation accuracy
    /// (-1 before the first validation), and each dropout layer's generator state.
    public var epoch: Int?
    /// Batches done in the current epoch (key `batch`).
    public var batch: Int?
    /// Best validation accuracy so far, 0...1, or -1 before the first validation (key `best_val_accuracy`).
    public var bestValAccuracy: Double?
    /// Each dropout layer's `SplitMix64` state, in module order (key `dropout_states`, comma-separated).
    public var dropoutStates: [UInt64]?
    /// `patches` for a model that scores native-resolution patches; nil (whole image) otherwise.
    public var inputMode: String?
    /// Side of the native-resolution crops a patch model was trained on.
    public var nativeSize: Int?
    /// How a patch model's patch scores become one (`PatchAggregation`), when not the default.
    public var patchAggregation: String?
    /// Calibration (`discern calibrate`): temperature, the UNSURE band of p_fake, the data it was fitted on, and the
    /// data batch-norm statistics were re-estimated on.
    public var temperature: Double?
    /// The p_fake interval (0...1, open at both ends) reported as UNSURE (key `unsure_band`, written `lower,upper`).
    public var unsureBand: ClosedRange<Double>?
    /// The data sets the temperature and band were fitted on, space-separated (key `calibration_data`).
    public var calibrationData: String?
    /// The data sets batch-norm statistics were re-estimated on, space-separated (key `bn_recalibration_data`).
    public var bnRecalibrationData: String?
    /// Weight averaging (`discern soup`): the member paths and their weights.
    public var soupOf: String?
    /// The members' averaging weights, comma-separated, in `soupOf` order (key `soup_weights`).
    public var soupWeights: String?
    /// Size router (`discern route`): the small-image model's file name (same folder) and the largest side it takes.
    public var smallInputModel: String?
    /// The largest image side, in pixels, sent to `smallInputModel` (key `small_input_max_side`).
    public var smallInputMaxSide: Int?
    /// Familiarity (`discern familiarity`): neighbour rank, distance threshold and the data it was fitted on.
    public var familiarityK: Int?
    /// The k-th-nearest-neighbour feature distance above which an image counts as unfamiliar (key `familiarity_threshold`).
    public var familiarityThreshold: Double?
    /// The data the familiarity reference and threshold were fitted on (key `familiarity_data`).
    public var familiarityData: String?
    /// `discern demo`'s seed and epochs.
    public var seed: UInt64?
    /// `discern demo`'s epoch count (key `epochs`).
    public var epochs: Int?
    /// Keys this version does not know, with their values as found.
    public var other: [String: String] = [:]

    /// A current-format record for a new model.
    public init(architecture: String, classes: [String], inputSize: Int) {
        format = Self.currentFormat
        self.architecture = architecture
        self.classes = classes
        self.inputSize = inputSize
    }

    /// Why a checkpoint's metadata could not be read.
    public enum ReadError: Error, CustomStringConvertible, Equatable {
        /// The file's `format` is not `currentFormat` (a newer discern wrote it).
        case unknownFormat(path: String, format: String)
        /// A required key is absent: `architecture`, or for a current-format file `classes` or `input_size`.
        case missing(path: String, key: String)
        /// The value of `key` does not parse as its type.
        case badValue(path: String, key: String, value: String)

        /// A one-line message naming the file and the key or format.
        public var description: String {
            switch self {
            case let .unknownFormat(path, format):
                "\(path): checkpoint format '\(format)' is not one this discern reads (\(CheckpointMetadata.currentFormat)); a newer discern wrote it"
            case let .missing(path, key): "\(path): checkpoint metadata has no '\(key)'"
            case let .badValue(path, key, value): "\(path): checkpoint metadata '\(key)' has an unreadable value '\(value)'"
            }
        }
    }

    /// Reads the `__metadata__` map of the checkpoint at `path` (for messages).
    public init(_ map: [String: String], path: String) throws {
        var rest = map
        func take(_ key: String) -> String? { rest.removeValue(forKey: key) }
        func parse<T>(_ key: String, _ convert: (String) -> T?) throws -> T? {
            guard let text = take(key) else { return nil }
            guard let value = convert(text) else { throw ReadError.badValue(path: path, key: key, value: text) }
            return value
        }
        format = take("format")
        if let format, format != Self.currentFormat { throw ReadError.unknownFormat(path: path, format: format) }
        guard let architecture = take("architecture") else { throw ReadError.missing(path: path, key: "architecture") }
        self.architecture = architecture
        preprocessing = take("preprocessing")
        if format == nil {
            // Legacy files: the defaults older readers applied, explicit. `discern demo` wrote the size only inside
            // `preprocessing` ("size":[32,32]).
            classes = (take("classes") ?? "REAL,FAKE").split(separator: ",").map(String.init)
            inputSize = try parse("input_size", Int.init) ?? Self.legacySize(preprocessing) ?? 32
        } else {
            guard let names = take("classes") else { throw ReadError.missing(path: path, key: "classes") }
            classes = names.split(separator: ",").map(String.init)
            guard let size = try parse("input_size", Int.init) else { throw ReadError.missing(path: path, key: "input_size") }
            inputSize = size
        }
        width = try parse("width", Int.init)
        depth = try parse("depth", Int.init)
        blasCore = take("blas_core")
        config = take("config")
        epoch = try parse("epoch", Int.init)
        batch = try parse("batch", Int.init)
        bestValAccuracy = try parse("best_val_accuracy", Double.init)
        dropoutStates = try parse("dropout_states") { text in
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            if text.isEmpty { return [] }
            let values = parts.compactMap { UInt64($0) }
            return values.count == parts.count ? values : nil
        }
        inputMode = take("input_mode")
        nativeSize = try parse("native_size", Int.init)
        patchAggregation = take("patch_aggregation")
        temperature = try parse("temperature", Double.init)
        unsureBand = try parse("unsure_band") { text in
            let bounds = text.split(separator: ",").compactMap { Double($0) }
            return bounds.count == 2 && bounds[0] <= bounds[1] ? bounds[0]...bounds[1] : nil
        }
        calibrationData = take("calibration_data")
        bnRecalibrationData = take("bn_recalibration_data")
        soupOf = take("soup_of")
        soupWeights = take("soup_weights")
        smallInputModel = take("small_input_model")
        smallInputMaxSide = try parse("small_input_max_side", Int.init)
        familiarityK = try parse("familiarity_k", Int.init)
        familiarityThreshold = try parse("familiarity_threshold", Double.init)
        familiarityData = take("familiarity_data")
        seed = try parse("seed", UInt64.init)
        epochs = try parse("epochs", Int.init)
        other = rest
    }

    /// The side in a legacy `preprocessing` text such as `{"size":[32,32]}` or `{"size":64}`.
    private static func legacySize(_ preprocessing: String?) -> Int? {
        guard let data = preprocessing?.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        if let side = object["size"] as? Int { return side }
        if let sides = object["size"] as? [Int], let first = sides.first, sides.allSatisfy({ $0 == first }) { return first }
        return nil
    }

    /// The `__metadata__` map: every set field under its key, values written as `init` reads them.
    public var map: [String: String] {
        var m = other
        func put(_ key: String, _ value: (some CustomStringConvertible)?) { if let value { m[key] = value.description } }
        put("format", format)
        m["architecture"] = architecture
        m["classes"] = classes.joined(separator: ",")
        m["input_size"] = String(inputSize)
        put("width", width)
        put("depth", depth)
        put("preprocessing", preprocessing)
        put("blas_core", blasCore)
        put("config", config)
        put("epoch", epoch)
        put("batch", batch)
        put("best_val_accuracy", bestValAccuracy)
        put("dropout_states", dropoutStates.map { $0.map(String.init).joined(separator: ",") })
        put("input_mode", inputMode)
        put("native_size", nativeSize)
        put("patch_aggregation", patchAggregation)
        put("temperature", temperature)
        put("unsure_band", unsureBand.map { "\($0.lowerBound),\($0.upperBound)" })
        put("calibration_data", calibrationData)
        put("bn_recalibration_data", bnRecalibrationData)
        put("soup_of", soupOf)
        put("soup_weights", soupWeights)
        put("small_input_model", smallInputModel)
        put("small_input_max_side", smallInputMaxSide)
        put("familiarity_k", familiarityK)
        put("familiarity_threshold", familiarityThreshold)
        put("familiarity_data", familiarityData)
        put("seed", seed)
        put("epochs", epochs)
        return m
    }

    /// Decodes the flat string map (see `init(_:path:)`).
    public init(from decoder: Decoder) throws {
        try self.init(decoder.singleValueContainer().decode([String: String].self), path: "<decoded>")
    }

    /// Encodes the flat string map (see `map`).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(map)
    }

    /// Calibration and run-state fields cleared: what an average of several checkpoints keeps (`WeightAveraging.runKeys`).
    public var withoutRunState: CheckpointMetadata {
        var m = self
        (m.temperature, m.unsureBand, m.calibrationData, m.bnRecalibrationData, m.bestValAccuracy) = (nil, nil, nil, nil, nil)
        (m.epoch, m.batch, m.dropoutStates, m.config, m.blasCore, m.seed, m.epochs) = (nil, nil, nil, nil, nil, nil, nil)
        return m
    }
}
