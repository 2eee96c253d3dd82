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
    public let down: [Module]
    public let conv4: Conv2d
    public let bn4: BatchNorm
    public let drop4: Dropout
    public let conv5: Conv2d
    public let head: Dense

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

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        var h = down.reduce(x) { $1($0) }
        h = drop4(bn4(conv4(h.zeroPadded(top: 1, bottom: 1, left: 1, right: 1)), then: .leakyRelu(0.2)))
        h = conv5(h.zeroPadded(top: 1, bottom: 1, left: 1, right: 1))
        return head(h.flattened())
    }
}
