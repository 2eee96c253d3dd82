import NN
import Tensor

/// The architectures `discern train --model` accepts; the raw value is the name checkpoints store.
public enum Architecture: String, CaseIterable, Sendable {
    /// The small CNNs (`CIFAKECNN`, `SmallCNN`, `PatchGAN`, `Model2`) and the CIFAR `ResNet` with a 3x3 (`resnet`) or
    /// 4x4 stride-2 (`resnet-s2`) stem.
    case cnn, cnnSmall = "cnn-small", patchgan, model2, resnet, resnetS2 = "resnet-s2"
    /// EfficientNet-Lite0 to Lite2 (`EfficientNetLite`), `effnet-lite0-s1` being Lite0 with a stride-1 stem.
    case effnetLite0 = "effnet-lite0", effnetLite0S1 = "effnet-lite0-s1", effnetLite1 = "effnet-lite1", effnetLite2 = "effnet-lite2"

    /// The EfficientNet-Lite variant, or nil for the other families.
    public var efficientNetVariant: EfficientNetLite.Variant? {
        switch self {
        case .effnetLite0, .effnetLite0S1: .lite0
        case .effnetLite1: .lite1
        case .effnetLite2: .lite2
        case .cnn, .cnnSmall, .patchgan, .model2, .resnet, .resnetS2: nil
        }
    }

    /// The stem stride: 1 for `effnet-lite0-s1` (native 32x32 input), 2 for the other EfficientNets and
    /// `resnet-s2`, 1 otherwise.
    public var stemStride: Int {
        switch self {
        case .effnetLite0, .effnetLite1, .effnetLite2, .resnetS2: 2
        case .cnn, .cnnSmall, .patchgan, .model2, .resnet, .effnetLite0S1: 1
        }
    }
}

/// Builds architectures by name, so checkpoints (which store the name and options) rebuild their model.
public enum ModelFactory {
    /// The architectures `discern train --model` accepts.
    public static let architectures = Architecture.allCases.map(\.rawValue)

    /// Whether `architecture` is an EfficientNet-Lite (the ImageNet-pretrained family).
    public static func isEfficientNet(_ architecture: String) -> Bool { Architecture(rawValue: architecture)?.efficientNetVariant != nil }

    /// The stem stride of an EfficientNet-Lite architecture: 1 for `effnet-lite0-s1` (native 32x32 input), else 2.
    public static func efficientNetStemStride(_ architecture: String) -> Int { architecture == Architecture.effnetLite0S1.rawValue ? 1 : 2 }

    /// Logit count for `classes`: one (sigmoid / BCE) for two classes, else one per class (softmax).
    public static func outputs(_ classes: Int) -> Int { classes == 2 ? 1 : classes }

    /// A freshly initialised model.
    /// - Parameters:
    ///   - architecture: an `Architecture` raw value; any other name is `ModelError.unknownArchitecture`.
    ///   - classes: 2 (one logit) or more (one logit per class).
    ///   - inputSize: input side in pixels (sizes the dense layers of the small CNNs).
    ///   - width: ResNet base width (16 = ResNet-20's).
    ///   - depth: ResNet blocks per stage (3 = ResNet-20).
    ///   - dropPath: EfficientNet's largest drop-path rate (training only; 0 = off).
    ///   - seed: weights and dropout masks.
    public static func make(_ architecture: String, classes: Int = 2, inputSize: Int = 32, width: Int = 16, depth: Int = 3,
                            dropPath: Float = 0, seed: UInt64) throws -> Module {
        guard let kind = Architecture(rawValue: architecture) else { throw ModelError.unknownArchitecture(architecture) }
        var rng = SplitMix64(seed: seed)
        let model: Module
        switch kind {
        case .cnn: model = CIFAKECNN(classes: classes, inputSize: inputSize, using: &rng)
        case .cnnSmall: model = SmallCNN(classes: classes, inputSize: inputSize, using: &rng)
        case .patchgan: model = PatchGAN(classes: classes, inputSize: inputSize, using: &rng)
        case .model2: model = Model2(classes: classes, inputSize: inputSize, using: &rng)
        case .resnet, .resnetS2: model = ResNet(classes: classes, width: width, blocksPerStage: depth, stemStride: kind.stemStride, using: &rng)
        case .effnetLite0, .effnetLite0S1, .effnetLite1, .effnetLite2:
            model = EfficientNetLite(classes: classes, variant: kind.efficientNetVariant!, stemStride: kind.stemStride, dropPath: dropPath, using: &rng)
        }
        model.seedDropout(seed &+ 1)
        return model
    }
}

/// Model construction errors.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// The name is not an `Architecture` raw value.
    case unknownArchitecture(String)

    /// The message, listing the known architecture names.
    public var description: String {
        switch self {
        case let .unknownArchitecture(name): return "unknown architecture '\(name)' (known: \(ModelFactory.architectures.joined(separator: ", ")))"
        }
    }
}
