import NN
import Tensor

/// MBConv without squeeze-and-excitation (Sandler et al., MobileNetV2's inverted residual):
/// [1x1 expand, BN, ReLU6] -> depthwise kxk (stride s), BN, ReLU6 -> 1x1 project, BN -> [drop path] -> + x when shapes allow.
public final class MBConvBlock: Module {
    public let expandConv: Conv2d?
    public let bn0: BatchNorm?
    public let depthwiseConv: DepthwiseConv2d
    public let bn1: BatchNorm
    public let projectConv: Conv2d
    public let bn2: BatchNorm
    public let residual: Bool
    /// Drop path on the residual branch (training only), nil when off or the block has no shortcut.
    public let dropPath: Dropout?

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

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        if let expandConv, let bn0 { h = bn0(expandConv(h), then: .relu6) }
        h = bn1(depthwiseConv(h), then: .relu6)
        h = bn2(projectConv(h))
        if let dropPath { h = dropPath(h) }
        return residual ? h + x : h
    }
}
