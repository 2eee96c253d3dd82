import Foundation
import Imaging
import Tensor

/// Seeded, composable image augmentations, parsed from a comma-separated list such as
/// `hflip,crop:4,jpeg:30-95,blur:0.3-1.5,resize:0.5-1,noise:0.02`. Each step may end in `@p`,
/// the probability it is applied (default 0.5; `crop` defaults to 1).
///
/// | step | argument | effect |
/// | --- | --- | --- |
/// | `hflip` | - | mirror left-right |
/// | `rot90` | - | rotate by 90°, 180° or 270° |
/// | `crop:P` | pixels | pad by P (black) and crop back at a random offset |
/// | `affine:D` | degrees | rotate by up to ±D and scale by 0.9...1.1 (bilinear) |
/// | `cutout:S` | pixels | black out one S x S square |
/// | `jpeg:A-B` | qualities | re-encode as JPEG at a quality in A...B |
/// | `blur:A-B` | sigmas | Gaussian blur with sigma in A...B |
/// | `resize:A-B` | scales | shrink by a factor in A...B and enlarge back (shrink: area or bilinear at random; enlarge: bilinear) |
/// | `jitter:S` | strength | brightness, contrast and saturation within ±S |
/// | `noise:S` | std | add Gaussian noise (std in 0...1 pixel units) |
public struct Augmentation: Sendable, CustomStringConvertible {
    /// One augmentation step with its parsed argument (see the table above): `crop` and `cutout` in pixels, `affine`
    /// in degrees, `jpeg` a quality range in 1...100, `blur` a sigma range in pixels, `resize` a scale range in (0, 1],
    /// `jitter` a strength, `noise` a standard deviation in 0...1 pixel units.
    public enum Step: Sendable, Equatable {
        /// Steps that move or hide pixels: mirror, rotation by a multiple of 90°, pad-and-crop (pixels), rotate-and-scale
        /// (degrees), cutout (square side in pixels).
        case hflip, rot90, crop(Int), affine(Double), cutout(Int)
        /// Steps that change pixel values: JPEG quality range, blur sigma range, shrink-and-enlarge scale range, colour
        /// jitter strength, noise standard deviation (0...1 pixel units).
        case jpeg(ClosedRange<Int>), blur(ClosedRange<Double>), resize(ClosedRange<Double>), jitter(Double), noise(Double)

        /// Whether the step moves or hides pixels (rather than changing their values where they are).
        public var movesPixels: Bool {
            switch self {
            case .hflip, .rot90, .crop, .affine, .cutout: return true
            case .jpeg, .blur, .resize, .jitter, .noise: return false
            }
        }
    }

    /// The steps in the order they run, each with its probability of being applied (0...1).
    public let steps: [(step: Step, probability: Double)]
    /// The step list as given to `init(_:)`.
    public let spec: String

    /// The step list as given to `init(_:)`.
    public var description: String { spec }

    /// Parses a step list; an unknown step or bad argument is a `DataError.invalidArgument`.
    public init(_ spec: String) throws {
        self.spec = spec
        steps = try spec.split(separator: ",").map { raw in
            var text = raw.trimmingCharacters(in: .whitespaces)
            var p: Double?
            if let at = text.lastIndex(of: "@") {
                guard let v = Double(text[text.index(after: at)...]), (0...1).contains(v) else {
                    throw DataError.invalidArgument("augmentation '\(raw)': probability after @ must be in 0...1")
                }
                p = v
                text = String(text[..<at])
            }
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            let name = parts[0], arg = parts.count > 1 ? parts[1] : nil
            func number() throws -> Double {
                guard let arg, let v = Double(arg), v >= 0 else { throw DataError.invalidArgument("augmentation '\(raw)' needs a number, e.g. \(name):4") }
                return v
            }
            func range() throws -> ClosedRange<Double> {
                let bounds = (arg ?? "").split(separator: "-").compactMap { Double($0) }
                guard bounds.count == 2 || bounds.count == 1, bounds.allSatisfy({ $0 >= 0 }), bounds.first! <= bounds.last! else {
                    throw DataError.invalidArgument("augmentation '\(raw)' needs a range, e.g. \(name):A-B")
                }
                return bounds.first!...bounds.last!
            }
            let step: Step
            switch name {
            case "hflip": step = .hflip
            case "rot90": step = .rot90
            case "crop": step = .crop(Int(try number()))
            case "affine": step = .affine(try number())
            case "cutout": step = .cutout(Int(try number()))
            case "jpeg":
                let r = try range()
                guard r.lowerBound >= 1, r.upperBound <= 100 else { throw DataError.invalidArgument("augmentation '\(raw)': JPEG quality is 1...100") }
                step = .jpeg(Int(r.lowerBound)...Int(r.upperBound))
            case "blur": step = .blur(try range())
            case "resize":
                let r = try range()
                guard r.lowerBound > 0, r.upperBound <= 1 else { throw DataError.invalidArgument("augmentation '\(raw)': scales are in (0, 1]") }
                step = .resize(r)
            case "jitter": step = .jitter(try number())
            case "noise": step = .noise(try number())
            default:
                throw DataError.invalidArgument("unknown augmentation '\(name)' (known: hflip, rot90, crop, affine, cutout, jpeg, blur, resize, jitter, noise)")
            }
            if case .crop = step { return (step, p ?? 1) }
            return (step, p ?? 0.5)
        }
    }

    /// The augmented image; `rng` decides everything, so the same generator state gives the same result.
    public func apply(_ image: RGBImage, using rng: inout SplitMix64) -> RGBImage {
        var img = image
        for (step, p) in steps where Double.random(in: 0..<1, using: &rng) < p {
            img = Self.apply(step, img, &rng)
        }
        return img
    }

    /// The augmented image and `mask` (an image of the same size, e.g. where an edit is) moved with it: the
    /// steps that move or hide pixels (`hflip`, `rot90`, `crop`, `affine`, `cutout`) are applied to both with the
    /// same random draws; the others change the image only. The image equals `apply(image, using:)`'s.
    public func apply(_ image: RGBImage, mask: RGBImage, using rng: inout SplitMix64) -> (image: RGBImage, mask: RGBImage) {
        precondition(mask.width == image.width && mask.height == image.height, "mask must match the image size")
        var img = image, moved = mask
        for (step, p) in steps where Double.random(in: 0..<1, using: &rng) < p {
            if step.movesPixels {
                var same = rng
                moved = Self.apply(step, moved, &same)
            }
            img = Self.apply(step, img, &rng)
        }
        return (img, moved)
    }

    /// One step applied to `img` (whatever its probability).
    public static func apply(_ step: Step, _ img: RGBImage, _ rng: inout SplitMix64) -> RGBImage {
        let (w, h) = (img.width, img.height)
        switch step {
        case .hflip:
            return img.flippedHorizontally()
        case .rot90:
            return img.rotated90(times: Int.random(in: 1...3, using: &rng))
        case let .crop(p):
            return img.cropped(x: Int.random(in: -p...p, using: &rng), y: Int.random(in: -p...p, using: &rng), width: w, height: h)
        case let .affine(degrees):
            return img.affine(degrees: Double.random(in: -degrees...degrees, using: &rng), scale: Double.random(in: 0.9...1.1, using: &rng))
        case let .cutout(s):
            var out = img
            let x0 = Int.random(in: -s / 2..<max(w - s / 2, 1), using: &rng), y0 = Int.random(in: -s / 2..<max(h - s / 2, 1), using: &rng)
            for y in max(0, y0)..<min(h, y0 + s) {
                for x in max(0, x0)..<min(w, x0 + s) { for c in 0..<3 { out.pixels[(y * w + x) * 3 + c] = 0 } }
            }
            return out
        case let .jpeg(q):
            let quality = Int.random(in: q, using: &rng)
            guard let data = try? JPEGCodec.encode(img, quality: quality), let back = try? JPEGCodec.decode(data) else { return img }
            return back
        case let .blur(sigmas):
            return img.blurred(sigma: Double.random(in: sigmas, using: &rng))
        case let .resize(scales):
            let s = Double.random(in: scales, using: &rng)
            // Real pipelines shrink with either filter: area averaging (most image tools) or plain bilinear.
            let shrink: ResizeFilter = Bool.random(using: &rng) ? .area : .bilinear
            let small = img.resized(width: max(1, Int((Double(w) * s).rounded())), height: max(1, Int((Double(h) * s).rounded())), filter: shrink)
            return small.resized(width: w, height: h, filter: .bilinear)
        case let .jitter(strength):
            let b = Float.random(in: Float(-strength)...Float(strength), using: &rng)
            let c = 1 + Float.random(in: Float(-strength)...Float(strength), using: &rng)
            let sat = 1 + Float.random(in: Float(-strength)...Float(strength), using: &rng)
            var out = img
            let mean = Float(img.pixels.reduce(0) { $0 + Int($1) }) / Float(max(img.pixels.count, 1))
            for p in 0..<(w * h) {
                var rgb = (0..<3).map { Float(img.pixels[p * 3 + $0]) }
                let grey = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
                rgb = rgb.map { ((grey + ($0 - grey) * sat) - mean) * c + mean + b * 255 }
                for ch in 0..<3 { out.pixels[p * 3 + ch] = UInt8(max(0, min(255, rgb[ch].rounded()))) }
            }
            return out
        case let .noise(std):
            var out = img
            for i in 0..<out.pixels.count {
                let v = Float(out.pixels[i]) + rng.nextGaussian() * Float(std) * 255
                out.pixels[i] = UInt8(max(0, min(255, v.rounded())))
            }
            return out
        }
    }
}

extension RGBImage {
    /// Rotation by `degrees` about the centre and scaling by `scale`, bilinear, black outside.
    public func affine(degrees: Double, scale: Double) -> RGBImage {
        let a = degrees * Double.pi / 180
        let (ca, sa) = (cos(a) / scale, sin(a) / scale)
        let (cx, cy) = (Double(width) / 2, Double(height) / 2)
        var out = [UInt8](repeating: 0, count: pixels.count)
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x) + 0.5 - cx, dy = Double(y) + 0.5 - cy
                let sx = ca * dx + sa * dy + cx - 0.5, sy = -sa * dx + ca * dy + cy - 0.5
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = sx - Double(x0), fy = sy - Double(y0)
                for c in 0..<3 {
                    var acc = 0.0
                    for (yy, wy) in [(y0, 1 - fy), (y0 + 1, fy)] where yy >= 0 && yy < height {
                        for (xx, wx) in [(x0, 1 - fx), (x0 + 1, fx)] where xx >= 0 && xx < width {
                            acc += wy * wx * Double(pixels[(yy * width + xx) * 3 + c])
                        }
                    }
                    out[(y * width + x) * 3 + c] = UInt8(max(0, min(255, acc.rounded())))
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
