import Data
import Foundation
import Models
import NN
import Tensor

/// Pooled features of a pretrained network for every image of a dataset, for linear classifiers
/// (`discern svm`) and Fréchet distances. The feature space is named (`space`) wherever it is written.
public struct FeatureExtractor {
    /// The network, in evaluation mode.
    public let network: EfficientNetLite
    /// Side length the images are resized to before the network.
    public let inputSize: Int
    /// A name for the space, e.g. `effnet-lite0-imagenet-pool1280@64`.
    public var space: String { "effnet-\(network.variant.name)-imagenet-pool\(EfficientNetLite.featureWidth)@\(inputSize)" }

    /// EfficientNet-Lite0 (or `variant`) with the ImageNet weights at `weights` (see `scripts/weights/fetch_effnet_lite.sh`).
    public init(imageNetWeights weights: URL, variant: EfficientNetLite.Variant = .lite0, inputSize: Int) throws {
        var rng = SplitMix64(seed: 0)
        network = EfficientNetLite(classes: 1000, variant: variant, using: &rng)
        try network.loadTorchStateDict(Safetensors.read(weights).tensors)
        network.setTraining(false)
        self.inputSize = inputSize
    }

    /// Features `[N, 1280]` of every image of `dataset` (which must be decoded at `inputSize`).
    public func features(_ dataset: DecodedDataset, batchSize: Int = 128, progress: ((Int) -> Void)? = nil) -> Tensor {
        precondition(dataset.size == inputSize, "dataset decoded at \(dataset.size), extractor expects \(inputSize)")
        let width = EfficientNetLite.featureWidth
        let out = Tensor(zeros: [dataset.count, width])
        var done = 0
        GradMode.withoutGrad {
            for batch in BatchLoader(dataset: dataset, batchSize: batchSize, shuffle: false, seed: 0).batches(epoch: 0) {
                let f = network.features(batch.images)
                (out.pointer + done * width).update(from: f.pointer, count: f.count)
                done += f.shape[0]
                progress?(done)
            }
        }
        return out
    }

    /// Writes features and labels as safetensors (`features` `[N, D]`, `labels` `[N]` as floats) with the
    /// class names, feature space and source in the metadata.
    public static func save(features: Tensor, labels: [Int], classes: [String], space: String, source: String, to url: URL) throws {
        try Safetensors.write(["features": features, "labels": Tensor(shape: [labels.count], scalars: labels.map(Float.init))],
                              metadata: ["format": "discern-features", "classes": classes.joined(separator: ","),
                                         "space": space, "source": source], to: url)
    }

    /// Reads a file written by `save`: features, labels, class names and the feature space's name.
    public static func load(_ url: URL) throws -> (features: Tensor, labels: [Int], classes: [String], space: String) {
        let (t, meta) = try Safetensors.read(url)
        guard meta["format"] == "discern-features", let f = t["features"], let l = t["labels"], f.rank == 2, l.count == f.shape[0] else {
            throw FeatureFileError.notFeatures(url.path)
        }
        return (f, l.scalars.map { Int($0) }, (meta["classes"] ?? "").split(separator: ",").map(String.init), meta["space"] ?? "unknown")
    }
}

/// Feature file errors.
public enum FeatureFileError: Error, CustomStringConvertible {
    /// The file at this path is not a `discern features` file (wrong format tag, or no matching `features` / `labels`).
    case notFeatures(String)
    /// A one-line message naming the file.
    public var description: String {
        switch self {
        case let .notFeatures(path): return "\(path) is not a Discern feature file (made by `discern features`)"
        }
    }
}
