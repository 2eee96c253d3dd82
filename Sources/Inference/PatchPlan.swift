import Foundation

/// Where a patch model looks in an image of any size (issue #31): square patches of the model's input side, taken
/// at native resolution so that camera and generator traces reach the network unresampled.
///
/// The rule, for an image of `width` x `height` pixels and patches of `side` x `side`:
/// 1. Past `pixelBudget` pixels the image is first shrunk (area filter) by the smallest integer factor that brings it
///    under the budget; `downscale` records the factor and the judgement says so in its evidence.
/// 2. An image whose shorter side is below `side` gets one patch: its centred square of the shorter side, resized to
///    `side` (`resized` is true).
/// 3. Otherwise the grid has `ceil(width / side)` x `ceil(height / side)` patches; their origins are evenly spaced
///    from the first pixel to the last whole patch (`x_i = round(i * (width - side) / (columns - 1))`), so they cover
///    every pixel and overlap a little where the side does not divide the image.
/// 4. Past `maxPatches` patches the grid shrinks, keeping the image's aspect (rows = floor(sqrt(max * rows /
///    columns)), columns = floor(max / rows)), with the same evenly spaced origins: a sample spread over the whole
///    image, not a cover. This caps the work on huge photos (64 patches of 224 px by default).
public struct PatchPlan: Sendable, Equatable {
    /// Patch side in pixels (the model's input side).
    public let side: Int
    /// Patches per row and per column of the grid.
    public let columns: Int, rows: Int
    /// Top-left corners of the patches, row-major, in the (possibly downscaled) image's pixels.
    public let origins: [Origin]
    /// The integer factor the image is shrunk by before patching (1: native resolution).
    public let downscale: Int
    /// True when the image was smaller than one patch and its centred square was resized to `side`.
    public let resized: Bool
    /// Whether the patches together cover every pixel of the (downscaled) image.
    public let covers: Bool

    /// A patch's top-left corner, in pixels of the (possibly downscaled) image.
    public struct Origin: Sendable, Equatable, Hashable {
        /// Column and row of the corner.
        public let x: Int, y: Int
        /// The corner at (`x`, `y`).
        public init(x: Int, y: Int) { self.x = x; self.y = y }
    }

    /// Default cap on patches per image.
    public static let defaultMaxPatches = 64
    /// Default pixel budget before patching: 40 MP (a 24 MP camera photo, or a 7000 x 5700 scan, stays native).
    public static let defaultPixelBudget = 40_000_000

    /// The plan for an image of `width` x `height` (see the type's rule).
    public init(width: Int, height: Int, side: Int, maxPatches: Int = defaultMaxPatches, pixelBudget: Int = defaultPixelBudget) {
        precondition(width > 0 && height > 0 && side > 0 && maxPatches > 0 && pixelBudget > 0)
        var factor = 1
        while (width / factor) * (height / factor) > pixelBudget { factor += 1 }
        let (w, h) = (max(1, width / factor), max(1, height / factor))
        self.side = side
        downscale = factor
        guard min(w, h) >= side else {
            columns = 1
            rows = 1
            origins = [Origin(x: (w - min(w, h)) / 2, y: (h - min(w, h)) / 2)]
            resized = true
            covers = w == h
            return
        }
        resized = false
        let full = (c: (w + side - 1) / side, r: (h + side - 1) / side)
        var (c, r) = full
        if c * r > maxPatches {
            r = max(1, min(full.r, Int((Double(maxPatches * full.r) / Double(full.c)).squareRoot())))
            c = max(1, min(full.c, maxPatches / r))
            while c * r > maxPatches { r -= 1 }
        }
        columns = c
        rows = r
        covers = (c, r) == full
        func spaced(_ i: Int, _ n: Int, _ length: Int) -> Int {
            n == 1 ? (length - side) / 2 : Int((Double(i * (length - side)) / Double(n - 1)).rounded())
        }
        origins = (0..<(r * c)).map { Origin(x: spaced($0 % c, c, w), y: spaced($0 / c, r, h)) }
    }

    /// The number of patches.
    public var count: Int { origins.count }
}
