import NN
import Tensor

/// Builds architectures by name, so checkpoints (which store the name and options) rebuild their model.
public enum ModelFactory {
    /// The architectures `discern train --model` accepts.
    public static let architectures = ["cnn", "cnn-small", "patchgan", "model2", "resnet", "resnet-s2", "effnet-lite0", "effnet-lite0-s1", "effnet-lite1",
                                             "effnet-lite2"]

    /// Whether `architecture` is an EfficientNet-Lite (the ImageNet-pretrained family).
    public static func isEfficientNet(_ architecture: String) -> Bool { architecture.hasPrefix("effnet-lite") }

    /// The stem stride of an EfficientNet-Lite architecture: 1 for `effnet-lite0-s1` (native 32x32 input), else 2.
    public static func efficientNetStemStride(_ architecture: String) -> Int { architecture == "effnet-lite0-s1" ? 1 : 2 }

    /// Logit count for `classes`: one (sigmoid / BCE) for two classes, else one per class (softmax).
    public static func outputs(_ classes: Int) -> Int { classes == 2 ? 1 : classes }

    /// A freshly initialised model.
    /// - Parameters:
    ///   - width: ResNet base width (16 = ResNet-20's).
    ///   - depth: ResNet blocks per stage (3 = ResNet-20).
    ///   - dropPath: EfficientNet's largest drop-path rate (training only; 0 = off).
    public static func make(_ architecture: String, classes: Int = 2, inputSize: Int = 32, width: Int = 16, depth: Int = 3,
                            dropPath: Float = 0, seed: UInt64) throws -> Module {
        var rng = SplitMix64(seed: seed)
        let model: Module
        switch architecture {
        case "cnn": model = CIFAKECNN(classes: classes, inputSize: inputSize, using: &rng)
        case "cnn-small": model = SmallCNN(classes: classes, inputSize: inputSize, using: &rng)
        case "patchgan": model = PatchGAN(classes: classes, inputSize: inputSize, using: &rng)
        case "model2": model = Model2(classes: classes, inputSize: inputSize, using: &rng)
        case "resnet": model = ResNet(classes: classes, width: width, blocksPerStage: depth, using: &rng)
        case "resnet-s2": model = ResNet(classes: classes, width: width, blocksPerStage: depth, stemStride: 2, using: &rng)
        case "effnet-lite0": model = EfficientNetLite(classes: classes, dropPath: dropPath, using: &rng)
        case "effnet-lite0-s1":
            model = EfficientNetLite(classes: classes, stemStride: efficientNetStemStride(architecture), dropPath: dropPath, using: &rng)
        case "effnet-lite1": model = EfficientNetLite(classes: classes, variant: .lite1, dropPath: dropPath, using: &rng)
        case "effnet-lite2": model = EfficientNetLite(classes: classes, variant: .lite2, dropPath: dropPath, using: &rng)
        default: throw ModelError.unknownArchitecture(architecture)
        }
        model.seedDropout(seed &+ 1)
        return model
    }
}

/// Model construction errors.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    case unknownArchitecture(String)

    public var description: String {
        switch self {
        case let .unknownArchitecture(name): return "unknown architecture '\(name)' (known: \(ModelFactory.architectures.joined(separator: ", ")))"
        }
    }
}
