import Data
import Imaging
import NN

/// Test-time augmentation: score extra views of every image and average their class probabilities.
///
/// `hflip` adds the left-right mirror, the one view CIFAKE detectors are trained to be invariant to
/// (`--augment hflip`), so it costs one extra forward pass and changes no label.
public enum TestTimeAugmentation: String, CaseIterable, Sendable, CustomStringConvertible {
    case none
    case hflip

    /// The views scored besides the original image.
    var extraViews: [@Sendable (RGBImage) -> RGBImage] {
        switch self {
        case .none: return []
        case .hflip: return [{ $0.flippedHorizontally() }]
        }
    }

    /// The spelling `--tta` takes.
    public var description: String { rawValue }
}

extension Predictor {
    /// Class probabilities per image, averaged over the original and the views of `augmentation`
    /// (each view's probabilities at `temperature`, then the mean).
    public static func probabilities(_ model: Module, dataset: DecodedDataset, temperature: Double = 1,
                                     augmentation: TestTimeAugmentation) -> [[Double]] {
        let plain = probabilities(model, dataset: dataset, temperature: temperature)
        let views = augmentation.extraViews
        if views.isEmpty { return plain }
        return mean([plain] + views.map { view in
            probabilities(model, dataset: dataset.mapped { image, _ in view(image) }, temperature: temperature)
        })
    }
}
