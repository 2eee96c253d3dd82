import Tensor

/// Why checkpoints could not be averaged.
public enum WeightAveragingError: Error, CustomStringConvertible, Equatable {
    /// Fewer than two checkpoints were given.
    case tooFew
    /// The file at `path` has no `architecture` in its metadata.
    case notAModel(path: String)
    /// `found` weights were given for `expected` checkpoints.
    case weightCount(expected: Int, found: Int)
    /// A weight is negative or not finite, or the weights do not sum to a positive finite number.
    case badWeights
    /// Metadata `key` of the checkpoint at `path` differs from the first checkpoint's (they are not the same network).
    case differentSetting(path: String, key: String, expected: String, found: String)
    /// The checkpoint at `path` has tensor `name`, which the first lacks.
    case extraTensor(path: String, name: String)
    /// The checkpoint at `path` lacks tensor `name`, which the first has.
    case missingTensor(path: String, name: String)
    /// Tensor `name` has shape `found` at `path`, `expected` in the first checkpoint.
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])

    /// A one-line message naming the checkpoint and the setting or tensor that differs.
    public var description: String {
        switch self {
        case .tooFew: return "averaging needs at least two checkpoints"
        case let .notAModel(path): return "\(path): not a model checkpoint (no architecture in its metadata)"
        case let .weightCount(expected, found): return "\(found) weights for \(expected) checkpoints"
        case .badWeights: return "weights must be finite, >= 0 and sum to a positive number"
        case let .differentSetting(path, key, expected, found):
            return "\(path): \(key) is '\(found)', the first checkpoint's is '\(expected)': the checkpoints must be the same network"
        case let .extraTensor(path, name): return "\(path): has tensor '\(name)' that the first checkpoint lacks"
        case let .missingTensor(path, name): return "\(path): lacks tensor '\(name)' that the first checkpoint has"
        case let .shapeMismatch(path, name, expected, found): return "\(path): tensor '\(name)' has shape \(found), the first checkpoint's is \(expected)"
        }
    }
}

/// Weight averaging ("model soup", Wortsman et al. 2022, *Model soups: averaging weights of multiple fine-tuned
/// models improves accuracy without increasing inference time*): the element-wise weighted mean of several
/// checkpoints of one architecture, typically fine-tuned from the same pretrained weights. The result is one
/// network with one network's inference cost, unlike an ensemble, which averages outputs.
///
/// Batch-norm running statistics are averaged like every other tensor; they are then the mean of the members'
/// statistics, not the statistics of the averaged network, so re-estimating them afterwards
/// (`Module.recalibrateBatchNorm`, `discern calibrate --bn-recalibrate`) may help.
public enum WeightAveraging {
    /// Metadata that must agree for two checkpoints to be the same network on the same inputs, compared as strings
    /// (`width` / `depth` describe `resnet` only and are then equal or absent in both).
    public static let architectureKeys = ["architecture", "classes", "input_size", "preprocessing", "width", "depth"]

    /// Metadata that describes one training run or one calibration and is wrong for an average.
    public static let runKeys = ["temperature", "unsure_band", "calibration_data", "bn_recalibration_data", "best_val_accuracy",
                                 "epoch", "batch", "dropout_states", "config", "blas_core", "seed", "epochs"]

    /// The weighted element-wise mean `sum_i w_i * t_i / sum_i w_i` of every tensor (accumulated in double
    /// precision), with optimizer state and auxiliary training modules (`optimizer/`, `auxiliary/` tensors) dropped, and the first checkpoint's metadata without
    /// its run and calibration keys.
    /// - Parameters:
    ///   - checkpoints: each member's path (for messages) and its tensors and metadata from `Safetensors.read`.
    ///   - weights: one non-negative weight per member; nil = uniform.
    public static func mean(
        _ checkpoints: [(path: String, tensors: [String: Tensor], metadata: [String: String])], weights: [Double]? = nil
    ) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard checkpoints.count >= 2 else { throw WeightAveragingError.tooFew }
        let w = weights ?? Array(repeating: 1, count: checkpoints.count)
        guard w.count == checkpoints.count else { throw WeightAveragingError.weightCount(expected: checkpoints.count, found: w.count) }
        let total = w.reduce(0, +)
        guard w.allSatisfy({ $0 >= 0 && $0.isFinite }), total > 0, total.isFinite else { throw WeightAveragingError.badWeights }
        if let stray = checkpoints.first(where: { $0.metadata["architecture"] == nil }) { throw WeightAveragingError.notAModel(path: stray.path) }

        let first = checkpoints[0]
        let reference = Checkpoint.modelTensors(first.tensors)
        for member in checkpoints.dropFirst() {
            for key in architectureKeys where member.metadata[key] != first.metadata[key] {
                throw WeightAveragingError.differentSetting(path: member.path, key: key, expected: first.metadata[key] ?? "(none)",
                                                            found: member.metadata[key] ?? "(none)")
            }
            let tensors = Checkpoint.modelTensors(member.tensors)
            if let extra = tensors.keys.sorted().first(where: { reference[$0] == nil }) {
                throw WeightAveragingError.extraTensor(path: member.path, name: extra)
            }
            if let missing = reference.keys.sorted().first(where: { tensors[$0] == nil }) {
                throw WeightAveragingError.missingTensor(path: member.path, name: missing)
            }
            for (name, t) in tensors where t.shape != reference[name]!.shape {
                throw WeightAveragingError.shapeMismatch(path: member.path, name: name, expected: reference[name]!.shape, found: t.shape)
            }
        }

        var averaged: [String: Tensor] = [:]
        for (name, t) in reference {
            var sum = [Double](repeating: 0, count: t.count)
            for (member, weight) in zip(checkpoints, w) where weight > 0 {
                let p = member.tensors[name]!.pointer
                for i in sum.indices { sum[i] += weight * Double(p[i]) }
            }
            averaged[name] = Tensor(shape: t.shape, scalars: sum.map { Float($0 / total) })
        }
        var metadata = first.metadata
        for key in runKeys { metadata[key] = nil }
        return (averaged, metadata)
    }
}
