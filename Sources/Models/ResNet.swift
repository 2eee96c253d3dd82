import NN
import Tensor

/// `resnet`: the CIFAR ResNet of He et al., "Deep Residual Learning for Image Recognition"
/// (CVPR 2016, section 4.2): a 3x3 stem, three stages of `blocksPerStage` basic blocks with
/// `width`, 2·`width`, 4·`width` filters (stride 2 at the start of stages 2 and 3), global average
/// pooling and a dense head. `blocksPerStage` 3 and `width` 16 is ResNet-20. Shortcuts that change
/// shape are 1x1 convolutions + BatchNorm (option B). Read top-down like torchvision's `resnet.py`.
///
/// `stemStride` 2 (`resnet-s2`) replaces the 3x3 stem by a 4x4 stride-2 convolution (padding 1), so a 32x32 image is
/// worked on at 16x16 from the stem on: the learned counterpart of space-to-depth (a 2x2 stride-2 kernel on 3 channels
/// is lossless with 12 or more filters), as in the patchify stems of ConvNeXt (Liu et al., CVPR 2022). A quarter of
/// the activations per channel buys a wider network at the same cost; the stages are unchanged.
public final class ResNet: Module {
    /// The stem convolution, 3 -> `width` channels without bias: 3x3 'same' (stem stride 1) or 4x4 stride 2 padding 1 (stem stride 2).
    public let stem: Conv2d
    /// Batch norm after the stem (fused with ReLU).
    public let stemBN: BatchNorm
    /// The `BasicBlock`s of the three stages in order (`width`, 2·`width`, 4·`width` filters; stride 2 at the start of stages 2 and 3).
    public let blocks: [Module]
    /// The output layer: 4·`width` pooled features -> 1 logit for two classes, else `classes`.
    public let head: Dense

    /// - Parameter stemStride: 1 (a 3x3 stem, the CIFAR ResNet) or 2 (a 4x4 stride-2 stem: `[N, H, W, 3]` -> `[N, H/2, W/2, width]`).
    public init(classes: Int = 2, width: Int = 16, blocksPerStage: Int = 3, stemStride: Int = 1, using rng: inout some RandomNumberGenerator) {
        precondition(stemStride == 1 || stemStride == 2, "ResNet stem stride is 1 or 2")
        stem = stemStride == 1
            ? Conv2d(3, width, kernel: 3, padding: .same, bias: false, initializer: .heNormal, using: &rng)
            : Conv2d(3, width, kernel: 4, stride: 2, padding: .symmetric(1), bias: false, initializer: .heNormal, using: &rng)
        stemBN = BatchNorm(width)
        var list: [Module] = []
        var channels = width
        for (stage, filters) in [width, 2 * width, 4 * width].enumerated() {
            for b in 0..<blocksPerStage {
                let stride = stage > 0 && b == 0 ? 2 : 1
                list.append(BasicBlock(channels, filters, stride: stride, using: &rng))
                channels = filters
            }
        }
        blocks = list
        head = Dense(channels, ModelFactory.outputs(classes), initializer: .torchDefault, using: &rng)
    }

    /// `[N, H, W, 3]` -> logits `[N, 1]` (two classes) or `[N, classes]`; any input side works (global average pooling).
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        let h = blocks.reduce(stemBN(stem(x), then: .relu)) { $1($0) }
        return head(h.globalAvgPool())
    }
}

/// Two 3x3 conv-BN layers with an identity (or 1x1 projection) shortcut: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)).
public final class BasicBlock: Module {
    /// The first 3x3 convolution (`inChannels` -> `outChannels`, the block's stride, padding 1, no bias).
    public let conv1: Conv2d
    /// Batch norm after `conv1` (fused with ReLU).
    public let bn1: BatchNorm
    /// The second 3x3 convolution (`outChannels` -> `outChannels`, stride 1, padding 1, no bias).
    public let conv2: Conv2d
    /// Batch norm after `conv2` (fused with the shortcut addition and ReLU).
    public let bn2: BatchNorm
    /// The projection shortcut (1x1 convolution with the block's stride + BatchNorm) when the shape changes, else empty (identity).
    public let shortcut: [Module]

    /// Builds the block with He-normal weights.
    /// - Parameters:
    ///   - inChannels: Channels of the input.
    ///   - outChannels: Channels of the output.
    ///   - stride: The stride of `conv1` and of the projection shortcut (2 halves the side).
    ///   - rng: The generator the weights are drawn from.
    public init(_ inChannels: Int, _ outChannels: Int, stride: Int, using rng: inout some RandomNumberGenerator) {
        // PyTorch's padding=1 for 3x3 convs: symmetric, also for stride 2.
        conv1 = Conv2d(inChannels, outChannels, kernel: 3, stride: stride, padding: .symmetric(1), bias: false, initializer: .heNormal, using: &rng)
        bn1 = BatchNorm(outChannels)
        conv2 = Conv2d(outChannels, outChannels, kernel: 3, padding: .symmetric(1), bias: false, initializer: .heNormal, using: &rng)
        bn2 = BatchNorm(outChannels)
        shortcut = stride != 1 || inChannels != outChannels
            ? [Conv2d(inChannels, outChannels, kernel: 1, stride: stride, bias: false, initializer: .heNormal, using: &rng), BatchNorm(outChannels)]
            : []
    }

    /// `[N, H, W, inChannels]` -> `[N, H / stride, W / stride, outChannels]` (rounded up).
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        // BN + ReLU and BN + shortcut + ReLU each run as one fused op.
        let h = bn1(conv1(x), then: .relu)
        return bn2(conv2(h), adding: shortcut.reduce(x) { $1($0) }, then: .relu)
    }
}
