import NN
import Tensor

/// The DCGAN of Radford, Metz & Chintala, "Unsupervised Representation Learning with Deep
/// Convolutional Generative Adversarial Networks" (ICLR 2016), sized for 32x32 or 64x64 images as in
/// the TensorFlow DCGAN tutorial: the generator maps a latent vector through a dense layer, a reshape
/// to 4x4, and transposed-convolution blocks (4x4, stride 2, BatchNorm + ReLU) to a tanh image; the
/// discriminator is strided 4x4 convolutions with LeakyReLU 0.2 (BatchNorm after the first) and one
/// logit. Weights N(0, 0.02) as the paper prescribes. Images are `[N, H, W, 3]` in -1...1.
public final class DCGANGenerator: Module {
    /// The latent vector length (default 100).
    public let latent: Int
    /// The output image side in pixels: 32 or 64.
    public let size: Int
    /// The projection from the latent vector to a 4x4 map: `latent` -> `4 * 4 * (width << blocks)` features, no bias
    /// (`blocks` is 2 for 32 px, 3 for 64 px).
    public let project: Dense
    /// Batch norm over the projected 4x4 map (followed by ReLU).
    public let bn0: BatchNorm
    /// The hidden upsampling blocks (ConvTranspose 4x4 stride 2 padding 1 without bias, BatchNorm, ReLU), each doubling
    /// the side and halving the channels: 2 blocks for 32 px output, 3 for 64 px.
    public let ups: [Module]
    /// The last transposed convolution: `width` -> 3 channels, 4x4 stride 2 (doubles the side), with bias; tanh follows.
    public let toRGB: ConvTranspose2d

    /// - Parameters:
    ///   - size: 32 or 64 (output side).
    ///   - width: filters of the last hidden block; earlier blocks double it (DCGAN's `ngf`).
    public init(latent: Int = 100, size: Int = 32, width: Int = 64, using rng: inout some RandomNumberGenerator) {
        precondition(size == 32 || size == 64, "DCGAN size must be 32 or 64")
        self.latent = latent
        self.size = size
        let blocks = size == 32 ? 2 : 3   // 4 -> 8 -> 16 (-> 32) hidden, then the RGB layer doubles once more
        var channels = width << blocks
        project = Dense(latent, 4 * 4 * channels, bias: false, initializer: .normal002, using: &rng)
        bn0 = BatchNorm(channels)
        var list: [Module] = []
        for _ in 0..<blocks {
            list.append(ConvTranspose2d(channels, channels / 2, kernel: 4, stride: 2, padding: 1, bias: false, initializer: .normal002, using: &rng))
            list.append(BatchNorm(channels / 2))
            list.append(Activation(.relu))
            channels /= 2
        }
        ups = list
        toRGB = ConvTranspose2d(channels, 3, kernel: 4, stride: 2, padding: 1, bias: true, initializer: .normal002, using: &rng)
    }

    /// Latent vectors `[N, latent]` -> images `[N, size, size, 3]` in -1...1.
    public override func callAsFunction(_ z: Tensor) -> Tensor {
        let n = z.shape[0]
        let h0 = project(z).reshaped([n, 4, 4, -1])
        let h = ups.reduce(bn0(h0).relu()) { $1($0) }
        return toRGB(h).tanh()
    }
}

/// DCGAN discriminator: images `[N, size, size, 3]` in -1...1 -> one real/fake logit `[N, 1]`.
public final class DCGANDiscriminator: Module {
    /// The strided 4x4 convolutions (stride 2, padding 1) with LeakyReLU 0.2, BatchNorm after all but the first, halving
    /// the side down to 4x4 while doubling the channels from `width`.
    public let layers: [Module]
    /// The output layer: the flattened 4x4 map -> 1 logit.
    public let head: Dense

    /// Builds the discriminator with N(0, 0.02²) weights.
    /// - Parameters:
    ///   - size: The input side in pixels: 32 or 64.
    ///   - width: Filters of the first convolution; each later one doubles them (DCGAN's `ndf`).
    ///   - rng: The generator the weights are drawn from.
    public init(size: Int = 32, width: Int = 64, using rng: inout some RandomNumberGenerator) {
        precondition(size == 32 || size == 64, "DCGAN size must be 32 or 64")
        var list: [Module] = [
            Conv2d(3, width, kernel: 4, stride: 2, padding: .symmetric(1), initializer: .normal002, using: &rng),
            Activation(.leakyRelu, slope: 0.2),
        ]
        var channels = width, side = size / 2
        while side > 4 {
            list.append(Conv2d(channels, channels * 2, kernel: 4, stride: 2, padding: .symmetric(1), bias: false, initializer: .normal002, using: &rng))
            list.append(BatchNorm(channels * 2))
            list.append(Activation(.leakyRelu, slope: 0.2))
            channels *= 2
            side /= 2
        }
        layers = list
        head = Dense(4 * 4 * channels, 1, initializer: .normal002, using: &rng)
    }

    /// Images `[N, size, size, 3]` in -1...1 -> real/fake logits `[N, 1]`.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        head(layers.reduce(x) { $1($0) }.flattened())
    }
}
