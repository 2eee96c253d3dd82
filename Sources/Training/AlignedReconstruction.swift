import Foundation
import Imaging
import Models
import Tensor

/// "Aligned" fakes (Rajan et al., "Aligned Datasets Improve Detection of Latent Diffusion-Generated Images",
/// ICLR 2025): a real photo passed through a latent-diffusion autoencoder keeps its content and gains only
/// the decoder's traces, so a detector trained on the pair learns those traces rather than content.
///
/// The rule: the photo's centre crop whose sides are multiples of 8 and at most `maxSide` (never resampled:
/// native pixels, as the wild crops) goes through encoder + decoder; the decoder output, clamped and
/// rounded to 8 bits, is the reconstruction of that crop. Photos under 8 px on a side are refused.
public struct AlignedReconstructor {
    /// The taef2 encoder + decoder (`../shared/weights/taesd`, converted by `scripts/weights/convert_taesd.sh`).
    public let autoencoder: TinyAutoencoder
    /// Largest crop side, in pixels (bounds work and memory: ~130 GFLOP and ~40 MB per activation at 384x384).
    public let maxSide: Int

    /// A reconstructor with `autoencoder`, cropping photos to at most `maxSide` pixels a side (at least 8).
    public init(autoencoder: TinyAutoencoder, maxSide: Int = 512) {
        precondition(maxSide >= 8, "maxSide must be at least 8")
        self.autoencoder = autoencoder
        self.maxSide = maxSide
    }

    /// The reconstructed region of a `width` x `height` photo, or nil when a side is under 8 px.
    public func cropRect(width: Int, height: Int) -> (x: Int, y: Int, width: Int, height: Int)? {
        let w = min(width, maxSide) / 8 * 8, h = min(height, maxSide) / 8 * 8
        guard w >= 8, h >= 8 else { return nil }
        return ((width - w) / 2, (height - h) / 2, w, h)
    }

    /// One reconstruction: the crop that went in, what came out, and their PSNR in dB (8-bit levels).
    public struct Result: Sendable {
        /// The reconstructed rectangle of the source photo, in pixels.
        public let crop: (x: Int, y: Int, width: Int, height: Int)
        /// The source photo's crop (the input).
        public let source: RGBImage
        /// The autoencoder's output for that crop, the same size, clamped and rounded to 8 bits.
        public let reconstruction: RGBImage
        /// Peak signal-to-noise ratio of `reconstruction` against `source`, in dB (8-bit levels).
        public let psnr: Double
    }

    /// Reconstructs `image`'s crop; nil when the image is too small (see `cropRect`).
    public func reconstruct(_ image: RGBImage) -> Result? {
        guard let r = cropRect(width: image.width, height: image.height) else { return nil }
        let crop = image.cropped(x: r.x, y: r.y, width: r.width, height: r.height)
        let input = Tensor(shape: [1, r.height, r.width, 3], storage: TensorStorage(uninitializedCount: crop.pixels.count))
        crop.writeFloats(into: input.pointer)
        let output = autoencoder.reconstruct(input)
        var pixels = [UInt8](repeating: 0, count: crop.pixels.count)
        var squaredError = 0.0
        for i in pixels.indices {
            let v = UInt8((output.pointer[i] * 255).rounded())
            pixels[i] = v
            let d = Double(v) - Double(crop.pixels[i])
            squaredError += d * d
        }
        let mse = squaredError / Double(max(pixels.count, 1))
        let psnr = mse > 0 ? 10 * log10(255 * 255 / mse) : .infinity
        return Result(crop: r, source: crop, reconstruction: RGBImage(width: r.width, height: r.height, pixels: pixels), psnr: psnr)
    }
}
