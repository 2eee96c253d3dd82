import Foundation
import Imaging
import Tensor

/// Local, human-style edits of real photos, for the "real / edited / AI" task: the image stays a
/// photograph, but part of it has been changed. Each edit touches one random rectangle covering
/// 1/16 to 1/4 of the image:
///
/// | kind | what happens in the rectangle |
/// |---|---|
/// | `blur` | Gaussian blur, sigma 1...2 (a retouched / smoothed region) |
/// | `splice` | replaced by the same-sized region of another photo (a pasted object) |
/// | `color` | per-channel gains 0.6...1.4 (a local colour cast) |
/// | `brightness` | all channels scaled by 0.5...0.8 or 1.25...1.6 (a dodge / burn) |
public enum ImageEdit: String, CaseIterable, Sendable {
    case blur, splice, color, brightness

    /// A random rectangle of `image` covering between 1/16 and 1/4 of it.
    static func region(_ width: Int, _ height: Int, using rng: inout some RandomNumberGenerator) -> (x: Int, y: Int, w: Int, h: Int) {
        let w = Int.random(in: max(1, width / 4)...max(1, width / 2), using: &rng)
        let h = Int.random(in: max(1, height / 4)...max(1, height / 2), using: &rng)
        return (Int.random(in: 0...(width - w), using: &rng), Int.random(in: 0...(height - h), using: &rng), w, h)
    }

    /// Applies this edit to `image`; `donor` supplies the pasted pixels of a splice (same size as `image`).
    public func apply(to image: RGBImage, donor: RGBImage, using rng: inout some RandomNumberGenerator) -> RGBImage {
        precondition(donor.width == image.width && donor.height == image.height, "donor must match the image size")
        let r = Self.region(image.width, image.height, using: &rng)
        var out = image
        func set(_ x: Int, _ y: Int, _ f: (Int) -> Double) {
            for c in 0..<3 { out.pixels[(y * image.width + x) * 3 + c] = UInt8(max(0, min(255, f(c).rounded()))) }
        }
        switch self {
        case .blur:
            let blurred = image.blurred(sigma: Double.random(in: 1...2, using: &rng))
            for y in r.y..<(r.y + r.h) { for x in r.x..<(r.x + r.w) { set(x, y) { Double(blurred.value(x, y, $0)) } } }
        case .splice:
            let sx = Int.random(in: 0...(image.width - r.w), using: &rng), sy = Int.random(in: 0...(image.height - r.h), using: &rng)
            for y in 0..<r.h { for x in 0..<r.w { set(r.x + x, r.y + y) { Double(donor.value(sx + x, sy + y, $0)) } } }
        case .color:
            let gains = (0..<3).map { _ in Double.random(in: 0.6...1.4, using: &rng) }
            for y in r.y..<(r.y + r.h) { for x in r.x..<(r.x + r.w) { set(x, y) { Double(image.value(x, y, $0)) * gains[$0] } } }
        case .brightness:
            let g = Bool.random(using: &rng) ? Double.random(in: 0.5...0.8, using: &rng) : Double.random(in: 1.25...1.6, using: &rng)
            for y in r.y..<(r.y + r.h) { for x in r.x..<(r.x + r.w) { set(x, y) { Double(image.value(x, y, $0)) * g } } }
        }
        return out
    }
}

/// Makes an EDITED set from real photos: each chosen photo gets one random `ImageEdit` (donor: another
/// photo of the set) and is stored as a CIFAKE-style JPEG (quality 75, 4:2:0).
public enum EditedSetMaker {
    /// - Returns: `(member name, JPEG bytes, edit kind)` for `count` photos chosen from `images` with `seed`.
    public static func make(_ images: [(name: String, image: RGBImage)], count: Int, seed: UInt64,
                            kinds: [ImageEdit] = ImageEdit.allCases) throws -> [(name: String, jpeg: Data, edit: ImageEdit)] {
        precondition(images.count >= 2 && !kinds.isEmpty, "need at least two photos and one edit kind")
        var rng = SplitMix64(seed: seed)
        var order = Array(images.indices)
        order.shuffle(using: &rng)
        return try order.prefix(count).map { i in
            var d = Int.random(in: 0..<images.count, using: &rng)
            if d == i { d = (d + 1) % images.count }
            let kind = kinds.randomElement(using: &rng)!
            let edited = kind.apply(to: images[i].image, donor: images[d].image, using: &rng)
            let base = (images[i].name as NSString).lastPathComponent
            return ("\(kind.rawValue)-\(base)", try JPEGCodec.encode(edited, quality: 75), kind)
        }
    }
}
