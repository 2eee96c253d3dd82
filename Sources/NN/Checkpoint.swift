import Foundation
import Tensor

/// Why weights could not be loaded into a model.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    /// The checkpoint at `path` lacks tensor `name`, which the model needs.
    case missingTensor(path: String, name: String)
    /// The checkpoint at `path` has tensor `name`, which the model does not have.
    case unexpectedTensor(path: String, name: String)
    /// Tensor `name` of the checkpoint at `path` has shape `found`; the model's is `expected`.
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])

    /// A one-line message naming the file and the tensor.
    public var description: String {
        switch self {
        case let .missingTensor(path, name): return "\(path): checkpoint has no tensor '\(name)' that the model needs"
        case let .unexpectedTensor(path, name): return "\(path): checkpoint tensor '\(name)' does not belong to this model"
        case let .shapeMismatch(path, name, expected, found): return "\(path): tensor '\(name)' has shape \(found), the model needs \(expected)"
        }
    }
}

/// A model's weights and buffers as one safetensors file keyed by dotted names, with string metadata
/// (architecture, preprocessing, training state) in its `__metadata__`, so the file alone is enough to classify.
public enum Checkpoint {
    /// Prefix of the optimizer state a training run stores beside the weights (for `--resume`).
    public static let optimizerPrefix = "optimizer/"
    /// Prefix of training-only modules kept beside the model for resuming (e.g. an auxiliary loss's head).
    public static let auxiliaryPrefix = "auxiliary/"

    /// Prefix of data a detector uses at inference beside the network (e.g. familiarity reference features); kept
    /// when training state is dropped, never loaded into the network or exported with it.
    public static let detectorPrefix = "detector/"

    /// `tensors` without the optimizer state, auxiliary modules and detector data: the model's own weights and buffers.
    public static func modelTensors(_ tensors: [String: Tensor]) -> [String: Tensor] {
        tensors.filter { !$0.key.hasPrefix(optimizerPrefix) && !$0.key.hasPrefix(auxiliaryPrefix) && !$0.key.hasPrefix(detectorPrefix) }
    }

    /// `tensors` without what only training needs (optimizer state, auxiliary modules): the weights, buffers and
    /// detector data a shipped checkpoint keeps.
    public static func withoutTrainingState(_ tensors: [String: Tensor]) -> [String: Tensor] {
        tensors.filter { !$0.key.hasPrefix(optimizerPrefix) && !$0.key.hasPrefix(auxiliaryPrefix) }
    }

    /// The detector data of `tensors` (names under `detectorPrefix`).
    public static func detectorTensors(_ tensors: [String: Tensor]) -> [String: Tensor] {
        tensors.filter { $0.key.hasPrefix(detectorPrefix) }
    }

    /// Writes the model's tensors (plus `extra` tensors, e.g. optimizer state under `optimizer/`) and its typed
    /// metadata atomically.
    public static func save(_ model: Module, metadata: CheckpointMetadata, extra: [String: Tensor] = [:], to url: URL) throws {
        try save(model, metadata: metadata.map, extra: extra, to: url)
    }

    /// Writes the model's tensors (plus `extra` tensors, e.g. optimizer state under `optimizer/`) atomically, with
    /// `metadata` as given (a map that is not a model's, e.g. in tests of malformed files).
    public static func save(_ model: Module, metadata: [String: String], extra: [String: Tensor] = [:], to url: URL) throws {
        var tensors: [String: Tensor] = extra
        for (name, t) in model.namedTensors() { tensors[name] = t }
        try Safetensors.write(tensors, metadata: metadata, to: url)
    }

    /// Copies the tensors of `file` into `model` after checking that names and shapes match exactly.
    /// Tensors whose names start with one of `ignoringPrefixes` are returned instead of loaded.
    @discardableResult
    public static func load(
        into model: Module, from url: URL, ignoringPrefixes: [String] = [optimizerPrefix, auxiliaryPrefix, detectorPrefix]
    ) throws -> (metadata: [String: String], extra: [String: Tensor]) {
        let (tensors, metadata) = try Safetensors.read(url)
        let extra = tensors.filter { key, _ in ignoringPrefixes.contains { key.hasPrefix($0) } }
        try load(into: model, tensors: tensors.filter { extra[$0.key] == nil }, path: url.path)
        return (metadata, extra)
    }

    /// Copies `tensors` into `model` (names and shapes must match exactly).
    public static func load(into model: Module, tensors: [String: Tensor], path: String = "<memory>") throws {
        let own = model.namedTensors()
        let ownNames = Set(own.map(\.name))
        if let stray = tensors.keys.sorted().first(where: { !ownNames.contains($0) }) {
            throw CheckpointError.unexpectedTensor(path: path, name: stray)
        }
        for (name, t) in own {
            guard let src = tensors[name] else { throw CheckpointError.missingTensor(path: path, name: name) }
            guard src.shape == t.shape else { throw CheckpointError.shapeMismatch(path: path, name: name, expected: t.shape, found: src.shape) }
        }
        for (name, t) in own { t.assign(tensors[name]!) }
        model.weightsDidChange()
    }
}
