import Foundation
import NN
import Tensor

/// The tiny autoencoders of the TAESD family (Ollin Boer Bohan, github.com/madebyollin/taesd, MIT),
/// written from the reference definition's description, in the `taef2` variant (FLUX.2's latent space):
///
/// - encoder: 3x3 conv 3->64, block, then three times [3x3 conv stride 2 without bias, three blocks],
///   then 3x3 conv 64->L: `[N, H, W, 3]` in 0...1 -> `[N, H/8, W/8, L]` (L = 32 for taef2);
/// - decoder: soft clamp `3 tanh(x/3)`, 3x3 conv L->64, ReLU, then three times [three blocks, nearest 2x
///   upsampling, 3x3 conv without bias] with one block in the last stage, then 3x3 conv 64->3:
///   `[N, h, w, L] -> [N, 8h, 8w, 3]`, clamped to 0...1 by `reconstruct`.
///
/// A block is `ReLU(conv(ReLU(conv(ReLU(conv(x))))) + x)` with 3x3 convolutions (padding 1); in taef2 the
/// three blocks nearest the latent (the encoder's last stage, the decoder's first) first add a "pool"
/// branch, `x + conv1x1(ReLU(GroupNorm(4)(conv1x1(x))))` with 4x the channels inside.
/// Checkpoint names follow PyTorch's `nn.Sequential` indices under `encoder.` and `decoder.`
/// (`encoder.11.pool.1.weight`), so a converted `state_dict` loads by name.
public final class TinyAutoencoder: Module {
    /// The encoder: `[N, H, W, 3]` in 0...1 -> latents `[N, H/8, W/8, latentChannels]`.
    public let encoder: Sequential
    /// The decoder: latents `[N, h, w, latentChannels]` -> `[N, 8h, 8w, 3]` (unclamped; `reconstruct` clamps to 0...1).
    public let decoder: Sequential
    /// Channels of the latent (L): 32 for taef2, 16 for taef1/taesd3, 4 for taesd.
    public let latentChannels: Int

    /// Builds the network with throw-away weights; `load(_:)` fills in trained ones.
    /// - Parameter latentChannels: 32 for taef2 (FLUX.2), 16 for taef1/taesd3, 4 for taesd.
    ///   `groupNormMidBlocks` is taef2's pool branch.
    public init(latentChannels: Int = 32, groupNormMidBlocks: Bool = true) {
        var rng = SplitMix64(seed: 0)
        func conv(_ i: Int, _ o: Int, stride: Int = 1, bias: Bool = true) -> Conv2d {
            Conv2d(i, o, kernel: 3, stride: stride, padding: .symmetric(1), bias: bias, initializer: .heNormal, using: &rng)
        }
        func blocks(_ count: Int, pool: Bool) -> [Module] {
            (0..<count).map { _ in TinyAutoencoderBlock(64, pool: pool, using: &rng) }
        }
        var enc: [Module] = [conv(3, 64)] + blocks(1, pool: false)
        for stage in 0..<3 {
            enc += [conv(64, 64, stride: 2, bias: false)] + blocks(3, pool: groupNormMidBlocks && stage == 2)
        }
        enc.append(conv(64, latentChannels))
        var dec: [Module] = [SoftClamp(3), conv(latentChannels, 64), Activation(.relu)]
        for stage in 0..<3 {
            dec += blocks(3, pool: groupNormMidBlocks && stage == 0) + [UpsampleNearest(2), conv(64, 64, bias: false)]
        }
        dec += blocks(1, pool: false) + [conv(64, 3)]
        encoder = Sequential(enc)
        decoder = Sequential(dec)
        self.latentChannels = latentChannels
        super.init()
        setTraining(false)
    }

    /// Images `[N, H, W, 3]` in 0...1 (H, W multiples of 8) -> reconstructions of the same shape, clamped to 0...1.
    public func reconstruct(_ images: Tensor) -> Tensor {
        precondition(images.rank == 4 && images.shape[3] == 3 && images.shape[1] % 8 == 0 && images.shape[2] % 8 == 0,
                     "reconstruct needs [N, H, W, 3] with H and W multiples of 8, have \(images.shape)")
        return GradMode.withoutGrad {
            let out = decoder(encoder(images))
            Kernels.map(out.pointer, out.pointer, out.count) { Swift.min(Swift.max($0, 0), 1) }
            return out
        }
    }

    /// Loads weights converted from the reference `.pth` files (`scripts/weights/convert_taesd.sh`): PyTorch
    /// names under `encoder.` / `decoder.`, OIHW convolutions. Every tensor must be present with its shape.
    public func load(_ state: [String: Tensor]) throws {
        var remaining = state
        for (name, tensor) in namedTensors() {
            let torchName = name.replacingOccurrences(of: "coder.layers.", with: "coder.")
            guard let source = remaining.removeValue(forKey: torchName) else { throw TorchImportError.missing(torchName) }
            let value = source.rank == 4 ? source.permuted([2, 3, 1, 0]).detached() : source
            guard value.shape == tensor.shape else {
                throw TorchImportError.shapeMismatch(torchName, expected: tensor.shape, found: source.shape)
            }
            tensor.assign(value)
        }
        if let extra = remaining.keys.sorted().first { throw TorchImportError.unexpected(extra) }
        weightsDidChange()
    }

    /// Default location of the converted taef2 weights: `$DISCERN_TAESD_WEIGHTS`, else
    /// `$DISCERN_CACHE/taef2.safetensors` (cache default `~/.cache/discern`).
    /// The caller passes the environment (the CLI and tests pass the process's): models do not read it themselves.
    public static func defaultWeightsPath(environment: [String: String]) -> String {
        if let path = environment["DISCERN_TAESD_WEIGHTS"] { return path }
        return (environment["DISCERN_CACHE"] ?? (NSHomeDirectory() + "/.cache/discern")) + "/taef2.safetensors"
    }
}

/// TAESD's residual block over 64 channels (see `TinyAutoencoder`); `pool` adds taef2's group-norm branch.
public final class TinyAutoencoderBlock: Module {
    /// The residual branch: 3x3 conv, ReLU, 3x3 conv, ReLU, 3x3 conv (padding 1, `channels` -> `channels`).
    public let conv: [Module]
    /// taef2's pool branch (1x1 conv to 4x the channels without bias, GroupNorm(4), ReLU, 1x1 conv back without bias),
    /// added to the input first; nil when the block has none.
    public let pool: [Module]?

    /// Builds the block with He-normal weights.
    /// - Parameters:
    ///   - channels: Channels in and out (64 in TAESD).
    ///   - pool: Whether the block has taef2's group-norm pool branch.
    ///   - rng: The generator the weights are drawn from.
    public init(_ channels: Int, pool: Bool, using rng: inout some RandomNumberGenerator) {
        func conv3(_ c: Int) -> Conv2d {
            Conv2d(c, c, kernel: 3, padding: .symmetric(1), initializer: .heNormal, using: &rng)
        }
        conv = [conv3(channels), Activation(.relu), conv3(channels), Activation(.relu), conv3(channels)]
        let wide = channels * 4
        self.pool = pool ? [
            Conv2d(channels, wide, kernel: 1, bias: false, initializer: .heNormal, using: &rng),
            GroupNorm(groups: 4, channels: wide), Activation(.relu),
            Conv2d(wide, channels, kernel: 1, bias: false, initializer: .heNormal, using: &rng),
        ] : nil
    }

    /// `[N, H, W, channels]` -> the same shape: `x` plus the pool branch (when present), then `ReLU(conv branch(x) + x)`.
    public override func callAsFunction(_ input: Tensor) -> Tensor {
        var x = input
        if let pool { x = x + pool.reduce(x) { $1($0) } }
        return (conv.reduce(x) { $1($0) } + x).relu()
    }
}

/// `limit * tanh(x / limit)`: a smooth clamp of the decoder's input latents.
public final class SoftClamp: Module {
    /// The output bound: values stay inside -limit...limit.
    public let limit: Float
    /// Creates the clamp with bound `limit` (above 0).
    public init(_ limit: Float) { self.limit = limit }
    /// `limit * tanh(x / limit)`, elementwise; the shape of `x`.
    public override func callAsFunction(_ x: Tensor) -> Tensor { (x / limit).tanh() * limit }
}
