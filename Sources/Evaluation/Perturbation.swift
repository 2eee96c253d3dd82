import Foundation
import Imaging

/// An image degradation for robustness sweeps, parsed from `jpeg:Q`, `resize:SIDE`, `blur:SIGMA` or `noise:STD`.
public enum Perturbation: Sendable, Hashable, CustomStringConvertible {
    /// Re-encode as JPEG at quality Q.
    case jpeg(Int)
    /// Resize to SIDE x SIDE (bilinear), then back to the model's input (area filter).
    case resize(Int)
    /// Gaussian blur with sigma.
    case blur(Double)
    /// Gaussian noise with this std (pixel values in 0...1), seeded per image.
    case noise(Double)

    /// The argument form, e.g. `jpeg:80` or `blur:1.5` (what `parse(_:)` reads back).
    public var description: String {
        switch self {
        case let .jpeg(q): return "jpeg:\(q)"
        case let .resize(s): return "resize:\(s)"
        case let .blur(s): return "blur:\(s)"
        case let .noise(s): return "noise:\(s)"
        }
    }

    /// Parses one `kind:v1,v2,...` argument into one perturbation per value.
    public static func parse(_ spec: String) throws -> [Perturbation] {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw PerturbationError.bad(spec) }
        return try parts[1].split(separator: ",").map { v in
            switch parts[0] {
            case "jpeg": guard let q = Int(v), (1...100).contains(q) else { throw PerturbationError.bad(spec) }; return .jpeg(q)
            case "resize": guard let s = Int(v), (4...8192).contains(s) else { throw PerturbationError.bad(spec) }; return .resize(s)
            case "blur": guard let s = Double(v), s > 0, s <= 20 else { throw PerturbationError.bad(spec) }; return .blur(s)
            case "noise": guard let s = Double(v), s > 0, s <= 1 else { throw PerturbationError.bad(spec) }; return .noise(s)
            default: throw PerturbationError.bad(spec)
            }
        }
    }

    /// The degraded image (`index` seeds the noise).
    public func apply(_ image: RGBImage, index: Int) -> RGBImage {
        switch self {
        case let .jpeg(q):
            guard let data = try? JPEGCodec.encode(image, quality: q), let back = try? JPEGCodec.decode(data) else { return image }
            return back
        case let .resize(side):
            return image.resized(width: side, height: side, filter: side < image.width ? .area : .bilinear)
        case let .blur(sigma):
            return image.blurred(sigma: sigma)
        case let .noise(std):
            var out = image
            var state = UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ 1
            for i in 0..<out.pixels.count {
                // Box-Muller from a SplitMix64 stream.
                func uniform() -> Double {
                    state &+= 0x9E37_79B9_7F4A_7C15
                    var z = state
                    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                    return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
                }
                let g = (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform())
                out.pixels[i] = UInt8(max(0, min(255, (Double(out.pixels[i]) + g * std * 255).rounded())))
            }
            return out
        }
    }
}

/// A perturbation argument that does not parse.
public enum PerturbationError: Error, CustomStringConvertible {
    /// The argument that did not parse.
    case bad(String)
    /// The message, with an example of valid arguments.
    public var description: String {
        switch self {
        case let .bad(s): return "bad perturbation '\(s)': use jpeg:80,60,40 resize:64,256 blur:1.0 noise:0.02"
        }
    }
}
