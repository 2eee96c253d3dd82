import NN
import Tensor

// What a network can do beyond `callAsFunction`, as protocols: training, scoring and feature extraction ask for a
// capability, not for a concrete architecture, so a new network that has one works with them unchanged.

/// A network that ends in globally pooled features and a dense classifier on them.
public protocol PooledFeatureNetwork: Module {
    /// Features per image (`features(_:)`'s second axis).
    var featureWidth: Int { get }
    /// Pooled features `[N, featureWidth]` of images `[N, H, W, 3]` in 0...1.
    func features(_ x: Tensor) -> Tensor
    /// Logits `[N, outputs]` from pooled features `[N, featureWidth]` (the classifier with its dropout):
    /// `self(x) == logits(fromFeatures: features(x))`.
    func logits(fromFeatures features: Tensor) -> Tensor
}

/// A network whose backbone starts from ImageNet weights in PyTorch's layout, with a classifier head trained anew.
public protocol PretrainedBackbone: Module {
    /// Whether the parameter called `name` belongs to the classifier head (fresh when fine-tuning, trained
    /// when the backbone is frozen, replaced when a checkpoint with other classes initialises the network).
    func isHeadParameter(_ name: String) -> Bool
    /// Loads a PyTorch `state_dict`, converting names and layouts; returns the head tensors left unloaded
    /// because their shape differs (ImageNet's 1000 classes).
    @discardableResult
    func loadTorchStateDict(_ state: [String: Tensor]) throws -> [String]
}

/// A network that can return a spatial feature map beside its logits (for a training loss on where an image
/// was edited).
public protocol RegionFeatureNetwork: Module {
    /// Channels of the feature map at `stride` input pixels per cell.
    func regionChannels(stride: Int) -> Int
    /// The logits (as `callAsFunction`) and the feature map `[N, H / stride, W / stride, regionChannels(stride:)]`
    /// from one pass.
    func logitsAndRegionFeatures(_ x: Tensor, stride: Int) -> (logits: Tensor, region: Tensor)
}

extension EfficientNetLite: PooledFeatureNetwork {
    /// 1280, `EfficientNetLite.featureWidth`.
    public var featureWidth: Int { Self.featureWidth }
    /// Logits `[N, outputs]` from pooled features `[N, 1280]`: the classifier's dropout, then `fc`.
    public func logits(fromFeatures features: Tensor) -> Tensor { fc(dropout(features)) }
}
