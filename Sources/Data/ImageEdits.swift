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
    /// The edit kinds of the table above.
    case blur, splice, color, brightness

    /// A random rectangle of `image` covering between 1/16 and 1/4 of it.
    static func region(_ width: Int, _ height: Int, using rng: inout some RandomNumberGenerator) -> EditRegion {
        let w = Int.random(in: max(1, width / 4)...max(1, width / 2), using: &rng)
        let h = Int.random(in: max(1, height / 4)...max(1, height / 2), using: &rng)
        return EditRegion(x: Int.random(in: 0...(width - w), using: &rng), y: Int.random(in: 0...(height - h), using: &rng),
                          width: w, height: h)
    }

    /// Applies this edit to `image`; `donor` supplies the pasted pixels of a splice (same size as `image`).
    public func apply(to image: RGBImage, donor: RGBImage, using rng: inout some RandomNumberGenerator) -> RGBImage {
        applied(to: image, donor: donor, using: &rng).image
    }

    /// Applies this edit to `image` and says where it was made and how strong it is.
    public func applied(to image: RGBImage, donor: RGBImage, using rng: inout some RandomNumberGenerator) -> AppliedEdit {
        precondition(donor.width == image.width && donor.height == image.height, "donor must match the image size")
        let r = Self.region(image.width, image.height, using: &rng)
        var out = image
        func set(_ x: Int, _ y: Int, _ f: (Int) -> Double) {
            for c in 0..<3 { out.pixels[(y * image.width + x) * 3 + c] = UInt8(max(0, min(255, f(c).rounded()))) }
        }
        switch self {
        case .blur:
            let blurred = image.blurred(sigma: Double.random(in: 1...2, using: &rng))
            for y in r.rows { for x in r.columns { set(x, y) { Double(blurred.value(x, y, $0)) } } }
        case .splice:
            let sx = Int.random(in: 0...(image.width - r.width), using: &rng)
            let sy = Int.random(in: 0...(image.height - r.height), using: &rng)
            for y in 0..<r.height { for x in 0..<r.width { set(r.x + x, r.y + y) { Double(donor.value(sx + x, sy + y, $0)) } } }
        case .color:
            let gains = (0..<3).map { _ in Double.random(in: 0.6...1.4, using: &rng) }
            for y in r.rows { for x in r.columns { set(x, y) { Double(image.value(x, y, $0)) * gains[$0] } } }
        case .brightness:
            let g = Bool.random(using: &rng) ? Double.random(in: 0.5...0.8, using: &rng) : Double.random(in: 1.25...1.6, using: &rng)
            for y in r.rows { for x in r.columns { set(x, y) { Double(image.value(x, y, $0)) * g } } }
        }
        var total = 0
        for y in r.rows { for x in r.columns { for c in 0..<3 { total += abs(Int(out.value(x, y, c)) - Int(image.value(x, y, c))) } } }
        return AppliedEdit(image: out, kind: self, region: r, change: Double(total) / Double(r.width * r.height * 3))
    }
}

/// The rectangle an edit changed, in pixels from the top-left corner.
public struct EditRegion: Hashable, Sendable {
    /// The left and top edges, and the width and height, in pixels.
    public let x: Int, y: Int, width: Int, height: Int
    var rows: Range<Int> { y..<(y + height) }
    var columns: Range<Int> { x..<(x + width) }
}

/// An edited image with its edit's kind, rectangle and strength.
public struct AppliedEdit: Sendable {
    /// The edited image (same size as the original).
    public let image: RGBImage
    /// The edit that was applied.
    public let kind: ImageEdit
    /// The rectangle it changed.
    public let region: EditRegion
    /// Mean absolute change of the rectangle's samples (3 per pixel), in 0...255 levels, before JPEG coding.
    public let change: Double
}

/// One image of an EDITED set, ready to store.
public struct EditedImage: Sendable {
    /// `<kind>-<source file name>`.
    public let name: String
    /// CIFAKE-style JPEG bytes (quality 75, 4:2:0).
    public let jpeg: Data
    /// The edit that was applied.
    public let edit: ImageEdit
    /// The rectangle it changed, in pixels of the `EditedSetMaker.editSize` image.
    public let region: EditRegion
    /// See `AppliedEdit.change`.
    public let change: Double
}

/// Makes an EDITED set from real photos: each chosen photo gets one random `ImageEdit` (donor: another
/// photo of the set) and is stored as a CIFAKE-style JPEG (quality 75, 4:2:0).
public enum EditedSetMaker {
    /// How many draws an edit weaker than `minChange` gets in all (same photo, donor and kind; new rectangle and
    /// strength) before the strongest is kept.
    public static let attempts = 16
    /// Side at which photos are edited (`discern dataset edit` decodes them at this size: CIFAKE's own).
    public static let editSize = 32
    /// Quality of the stored JPEGs (CIFAKE's, 4:2:0).
    public static let jpegQuality = 75

    /// - Parameter minChange: the least mean absolute change (levels, see `AppliedEdit.change`) an edit must
    ///   make; 0 accepts every edit as drawn, so the set is the same as before this option existed.
    /// - Returns: `count` edited photos chosen from `images` with `seed`.
    public static func make(_ images: [(name: String, image: RGBImage)], count: Int, seed: UInt64,
                            kinds: [ImageEdit] = ImageEdit.allCases, minChange: Double = 0) throws -> [EditedImage] {
        precondition(images.count >= 2 && !kinds.isEmpty, "need at least two photos and one edit kind")
        var rng = SplitMix64(seed: seed)
        var order = Array(images.indices)
        order.shuffle(using: &rng)
        return try order.prefix(count).map { i in
            let first = drawEdit(of: i, among: images.count, kinds: kinds, using: &rng) { images[$0].image }
            var best = first.edit
            // Redraws use their own stream, so the photos, donors, kinds and first draws are those of minChange 0.
            var redraw = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(i))
            for _ in 1..<attempts where best.change < minChange {
                let next = best.kind.applied(to: images[i].image, donor: images[first.donor].image, using: &redraw)
                if next.change > best.change { best = next }
            }
            let base = (images[i].name as NSString).lastPathComponent
            return EditedImage(name: "\(best.kind.rawValue)-\(base)", jpeg: try encode(best.image),
                               edit: best.kind, region: best.region, change: best.change)
        }
    }

    /// One edit of photo `i` of `count`, drawn from `rng` as the set draws it: a donor (another photo), a kind, then
    /// the edit's rectangle and strength. `image` gives a photo by index. `EditRedrawer` draws its fresh edits so too.
    public static func drawEdit(of i: Int, among count: Int, kinds: [ImageEdit], using rng: inout some RandomNumberGenerator,
                                image: (Int) -> RGBImage) -> (edit: AppliedEdit, donor: Int) {
        var d = Int.random(in: 0..<count, using: &rng)
        if d == i { d = (d + 1) % count }
        let kind = kinds.randomElement(using: &rng)!
        return (kind.applied(to: image(i), donor: image(d), using: &rng), d)
    }

    /// An edited photo as the set stores it: CIFAKE-style JPEG bytes (`jpegQuality`, 4:2:0).
    public static func encode(_ image: RGBImage) throws -> Data {
        try JPEGCodec.encode(image, quality: jpegQuality)
    }
}
