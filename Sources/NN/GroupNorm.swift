import Tensor

/// Group normalisation (Wu & He, ECCV 2018; PyTorch's `nn.GroupNorm`) over NHWC input `[N, H, W, C]`:
/// the C channels split into `groups` consecutive groups, each normalised per image by the (biased)
/// mean and variance over its channels and all pixels, then scaled and shifted per channel.
/// Unlike batch norm it has no running statistics and acts the same in training and evaluation.
public final class GroupNorm: Module {
    /// The per-channel scale, `[C]`, initialised to 1 (trained).
    public let weight: Tensor
    /// The per-channel shift, `[C]`, initialised to 0 (trained).
    public let bias: Tensor
    /// The number of consecutive channel groups normalised together.
    public let groups: Int
    /// Added to the variance before the square root (default 1e-5).
    public let epsilon: Float

    /// Creates the layer; `channels` must be a multiple of `groups`.
    /// - Parameters:
    ///   - groups: The number of channel groups (above 0).
    ///   - channels: Channels of the input (`C`).
    ///   - epsilon: Added to the variance before the square root.
    public init(groups: Int, channels: Int, epsilon: Float = 1e-5) {
        precondition(groups > 0 && channels % groups == 0, "GroupNorm: \(channels) channels do not split into \(groups) groups")
        weight = Tensor(repeating: 1, shape: [channels], requiresGrad: true)
        bias = Tensor(zeros: [channels], requiresGrad: true)
        self.groups = groups
        self.epsilon = epsilon
    }

    /// Normalises `x` (`[N, H, W, C]`, same shape out) per image and group, then scales and shifts per channel.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[3] == weight.count, "GroupNorm(\(weight.count)) got input \(x.shape)")
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let grouped = x.reshaped([n, h * w, groups, c / groups])
        let centred = grouped - grouped.mean(axes: [1, 3], keepDims: true)
        let variance = centred.squared().mean(axes: [1, 3], keepDims: true)
        let normalised = (centred / (variance + epsilon).sqrt()).reshaped([n, h, w, c])
        return normalised * weight + bias
    }
}
