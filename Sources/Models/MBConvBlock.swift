import NN
import Tensor

/// MBConv without squeeze-and-excitation (Sandler et al., MobileNetV2's inverted residual):
/// [1x1 expand, BN, ReLU6] -> depthwise kxk (stride s), BN, ReLU6 -> 1x1 project, BN -> [drop path] -> + x when shapes allow.
public final class MBConvBlock: Module {
    /// The 1x1 expansion convolution (`input` -> `input * expansion` channels, no bias), nil when `expansion` is 1.
    public let expandConv: Conv2d?
    /// Batch norm after `expandConv` (fused with ReLU6), nil when there is no expansion.
    public let bn0: BatchNorm?
    /// The depthwise `kernel` x `kernel` convolution ('same', the block's stride, no bias) on the expanded channels.
    public let depthwiseConv: DepthwiseConv2d
    /// Batch norm after the depthwise convolution (fused with ReLU6).
    public let bn1: BatchNorm
    /// The 1x1 projection convolution (expanded channels -> `output`, no bias).
    public let projectConv: Conv2d
    /// Batch norm after the projection (no activation).
    public let bn2: BatchNorm
    /// True when the input is added back (stride 1 and `input == output`).
    public let residual: Bool
    /// Drop path on the residual branch (training only), nil when off or the block has no shortcut.
    public let dropPath: Dropout?

    /// Builds the block with He-normal weights.
    /// - Parameters:
    ///   - input: Channels of the input.
    ///   - output: Channels of the output.
    ///   - kernel: The depthwise filter side in pixels (3 or 5 in EfficientNet-Lite).
    ///   - stride: The depthwise stride (2 halves the side, rounded up).
    ///   - expansion: The hidden channel multiplier (1 skips the expansion convolution).
    ///   - dropPath: The drop-path rate, 0...1, on the residual branch (training only; 0 or no shortcut = off).
    ///   - rng: The generator the weights are drawn from.
    public init(_ input: Int, _ output: Int, kernel: Int, stride: Int, expansion: Int, dropPath: Float = 0,
                using rng: inout some RandomNumberGenerator) {
        let hidden = input * expansion
        if expansion != 1 {
            expandConv = Conv2d(input, hidden, kernel: 1, bias: false, initializer: .heNormal, using: &rng)
            bn0 = EfficientNetLite.batchNorm(hidden)
        } else {
            expandConv = nil
            bn0 = nil
        }
        depthwiseConv = DepthwiseConv2d(hidden, kernel: kernel, stride: stride, padding: .same, using: &rng)
        bn1 = EfficientNetLite.batchNorm(hidden)
        projectConv = Conv2d(hidden, output, kernel: 1, bias: false, initializer: .heNormal, using: &rng)
        bn2 = EfficientNetLite.batchNorm(output)
        residual = stride == 1 && input == output
        self.dropPath = residual && dropPath > 0 ? Dropout(dropPath, perSample: true) : nil
    }

    /// `[N, H, W, input]` -> `[N, ceil(H / stride), ceil(W / stride), output]`.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        if let expandConv, let bn0 { h = bn0(expandConv(h), then: .relu6) }
        h = bn1(depthwiseConv(h), then: .relu6)
        h = bn2(projectConv(h))
        if let dropPath { h = dropPath(h) }
        return residual ? h + x : h
    }
}
