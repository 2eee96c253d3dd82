import ArgumentParser
import Evaluation
import Foundation
import Models

/// `--model` and `--pretrained` of the commands that run an ImageNet-pretrained feature network
/// (`discern features`, `discern distance`): which EfficientNet-Lite, and where its weights are.
struct PretrainedNetworkOptions: ParsableArguments {
    @Option(help: "Feature network: effnet-lite0 (default), effnet-lite1 or effnet-lite2 (ImageNet-pretrained).")
    var model = "effnet-lite0"
    @Option(help: "ImageNet weights (default: effnet-liteN-imagenet.safetensors in $DISCERN_CACHE or ~/.cache/discern; for Lite0 $DISCERN_EFFNET_WEIGHTS first).")
    var pretrained: String?

    /// The Lite variant `--model` names, nil for any other name.
    var variant: EfficientNetLite.Variant? {
        model.hasPrefix("effnet-") ? EfficientNetLite.Variant.named(String(model.dropFirst("effnet-".count))) : nil
    }

    /// The weights file: `--pretrained`, else the variant's cache path (`scripts/weights/fetch_effnet_lite.sh N`).
    var weightsPath: String { pretrained ?? EfficientNetLite.defaultWeightsPath(variant ?? .lite0, environment: ProcessInfo.processInfo.environment) }

    func validate() throws {
        guard let variant else {
            throw ValidationError("--model must be effnet-lite0, effnet-lite1 or effnet-lite2 (the pretrained networks), not '\(model)'")
        }
        guard FileManager.default.fileExists(atPath: weightsPath) else {
            throw ValidationError("no ImageNet weights at \(weightsPath): run scripts/weights/fetch_effnet_lite.sh \(variant.name.dropFirst(4))")
        }
    }

    /// The network with its ImageNet weights, resizing images to `inputSize`.
    func extractor(inputSize: Int) throws -> FeatureExtractor {
        try FeatureExtractor(imageNetWeights: URL(fileURLWithPath: weightsPath), variant: variant ?? .lite0, inputSize: inputSize)
    }
}
