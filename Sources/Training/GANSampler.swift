import Data
import Foundation
import Imaging
import Models
import NN
import Plots
import Tensor

/// Draws images from a trained generator.
public enum GANSampler {
    /// `count` standard-normal latent vectors `[count, dimension]` from `seed`.
    public static func latent(count: Int, dimension: Int, seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: [count, dimension], scalars: (0..<(count * dimension)).map { _ in rng.nextGaussian() })
    }

    /// Generator output `[N, H, W, 3]` in -1...1 to 8-bit images (rounded, clamped).
    public static func images(_ output: Tensor) -> [RGBImage] {
        let n = output.shape[0], h = output.shape[1], w = output.shape[2], per = h * w * 3
        return (0..<n).map { i in
            RGBImage(width: w, height: h, pixels: (0..<per).map { j in
                UInt8(max(0, min(255, ((output.pointer[i * per + j] + 1) * 127.5).rounded())))
            })
        }
    }

    /// `count` images from `generator`, in batches, deterministic for a seed.
    public static func sample(_ generator: DCGANGenerator, count: Int, seed: UInt64, batch: Int = 256) -> [RGBImage] {
        generator.setTraining(false)
        let z = latent(count: count, dimension: generator.latent, seed: seed)
        var out: [RGBImage] = []
        GradMode.withoutGrad {
            var start = 0
            while start < count {
                let n = min(batch, count - start)
                let zb = Tensor(shape: [n, generator.latent], scalars: Array(z.scalars[(start * generator.latent)..<((start + n) * generator.latent)]))
                out += images(generator(zb))
                start += n
            }
        }
        return out
    }

    /// An 8-column contact sheet of the generator's images for `latent` (evaluation mode).
    public static func grid(_ generator: DCGANGenerator, latent: Tensor, title: String, to url: URL) throws {
        generator.setTraining(false)
        defer { generator.setTraining(true) }
        let pictures = GradMode.withoutGrad { images(generator(latent)) }
        try ContactSheet.render(pictures.map { .init(image: $0, caption: "") }, title: title, columns: 8, tileSize: 64, to: url)
    }

    /// The generator of a `gan train` run's `generator.safetensors` (architecture `dcgan-generator`).
    public static func loadGenerator(_ url: URL) throws -> DCGANGenerator {
        let (tensors, meta) = try Safetensors.read(url)
        guard meta["architecture"] == "dcgan-generator", let latent = meta["latent"].flatMap(Int.init),
              let size = meta["size"].flatMap(Int.init) else { throw NotAGenerator(path: url.relativePath) }
        var rng = SplitMix64(seed: 0)
        let generator = DCGANGenerator(latent: latent, size: size, using: &rng)
        try Checkpoint.load(into: generator, tensors: tensors, path: url.relativePath)
        return generator
    }

    /// A checkpoint that is not a DCGAN generator.
    public struct NotAGenerator: Error, CustomStringConvertible, Equatable {
        /// The checkpoint's path.
        public var path: String
        /// One line for the user.
        public var description: String { "\(path) is not a DCGAN generator checkpoint" }
    }

    /// Writes `count` images of `generator` as CIFAKE stores its files (baseline JPEG, quality 75, 4:2:0), named
    /// `gan-SEED-NNNNNN.jpg` under `label`: into the folder `out/LABEL/`, or as members `gan/LABEL/...` of the shard
    /// `out` when it ends in `.tar.gz` or `.tar`. Deterministic for a seed; `progress` gets the images done.
    public static func writeJPEGs(_ generator: DCGANGenerator, count: Int, seed: UInt64, label: String, to out: String,
                                  progress: ((Int) -> Void)? = nil) throws {
        var files: [(name: String, data: Data)] = []
        var start = 0
        while start < count {
            let n = min(1024, count - start)
            let images = sample(generator, count: n, seed: seed &+ UInt64(start) &* 0x9E37_79B9)
            for (i, image) in images.enumerated() {
                files.append((String(format: "gan-%llu-%06d.jpg", seed, start + i), try JPEGCodec.encode(image, quality: 75)))
            }
            start += n
            progress?(start)
        }
        try ShardWriter.writeLabelled(files, label: label, group: "gan", to: out)
    }
}
