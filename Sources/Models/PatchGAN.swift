import NN
import Tensor

/// `patchgan`: the pix2pix PatchGAN discriminator (Isola et al., CVPR 2017) used as a real/fake
/// classifier, as in the CIFAKE PatchGAN project: three downsampling blocks (Conv 4x4 stride 2 'same'
/// without bias, BatchNorm, LeakyReLU 0.2, Dropout 0.5) with 64, 128, 256 filters; ZeroPad 1;
/// Conv 512 4x4 stride 1 without bias; BatchNorm; LeakyReLU; Dropout; ZeroPad 1; Conv 1 4x4;
/// Flatten; Dense 1. Weights N(0, 0.02).
///
/// Input `[N, 32, 32, 3]` -> 16 -> 8 -> 4 -> (pad) 6 -> 3 -> (pad) 5 -> 2: a 2x2 patch map, then Dense.
public final class PatchGAN: Module {
    /// The three downsampling blocks (Conv 4x4 stride 2 'same' without bias, BatchNorm, LeakyReLU 0.2, Dropout 0.5),
    /// 3 -> 64 -> 128 -> 256 channels, each halving the side.
    public let down: [Module]
    /// The 256 -> 512 channel 4x4 'valid' convolution without bias, on the zero-padded map.
    public let conv4: Conv2d
    /// Batch norm after `conv4` (fused with LeakyReLU 0.2).
    public let bn4: BatchNorm
    /// Dropout with rate 0.5 after `bn4`.
    public let drop4: Dropout
    /// The 512 -> 1 channel 4x4 'valid' convolution on the zero-padded map: the patch map.
    public let conv5: Conv2d
    /// The output layer: the flattened patch map (`(inputSize / 8 - 2)²` values; 4 for 32 px input) -> 1 logit for two
    /// classes, else `classes`.
    public let head: Dense

    /// Builds the network with N(0, 0.02²) weights.
    /// - Parameters:
    ///   - classes: Class count; 2 gives one logit.
    ///   - inputSize: The input side in pixels, a multiple of 8, at least 24 (sizes `head`; default 32).
    ///   - rng: The generator the weights are drawn from.
    public init(classes: Int = 2, inputSize: Int = 32, using rng: inout some RandomNumberGenerator) {
        var blocks: [Module] = []
        var channels = 3
        for filters in [64, 128, 256] {
            blocks.append(Sequential([
                Conv2d(channels, filters, kernel: 4, stride: 2, padding: .same, bias: false, initializer: .normal002, using: &rng),
                BatchNorm(filters), Activation(.leakyRelu, slope: 0.2), Dropout(0.5),
            ]))
            channels = filters
        }
        down = blocks
        conv4 = Conv2d(256, 512, kernel: 4, bias: false, initializer: .normal002, using: &rng)
        bn4 = BatchNorm(512)
        drop4 = Dropout(0.5)
        conv5 = Conv2d(512, 1, kernel: 4, initializer: .normal002, using: &rng)
        let side = inputSize / 8 + 2 - 3 + 2 - 3
        head = Dense(side * side, ModelFactory.outputs(classes), initializer: .normal002, using: &rng)
    }

    /// `[N, inputSize, inputSize, 3]` -> logits `[N, 1]` (two classes) or `[N, classes]`.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        var h = down.reduce(x) { $1($0) }
        h = drop4(bn4(conv4(h.zeroPadded(top: 1, bottom: 1, left: 1, right: 1)), then: .leakyRelu(0.2)))
        h = conv5(h.zeroPadded(top: 1, bottom: 1, left: 1, right: 1))
        return head(h.flattened())
    }
}
