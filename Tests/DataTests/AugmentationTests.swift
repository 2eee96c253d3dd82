import Data
import Imaging
import Tensor
import XCTest

final class AugmentationTests: XCTestCase {
    private func gradient(_ w: Int = 16, _ h: Int = 12) -> RGBImage {
        RGBImage(width: w, height: h, pixels: (0..<(w * h * 3)).map { UInt8(($0 * 7) % 256) })
    }

    func testEveryStepIsSeededAndChangesTheImage() throws {
        for spec in ["hflip@1", "rot90@1", "crop:3@1", "affine:15@1", "cutout:5@1", "jpeg:20-40@1", "blur:1-2@1", "resize:0.3-0.5@1", "jitter:0.3@1", "noise:0.05@1"] {
            let aug = try Augmentation(spec)
            var r1 = SplitMix64(seed: 4), r2 = SplitMix64(seed: 4)
            let a = aug.apply(gradient(), using: &r1), b = aug.apply(gradient(), using: &r2)
            XCTAssertEqual(a, b, spec)
            XCTAssertNotEqual(a.pixels, gradient().pixels, spec)
            if spec.hasPrefix("rot90") { XCTAssertTrue(a.width == 12 || a.width == 16) } else { XCTAssertEqual(a.width, 16, spec) }
        }
    }

    func testProbabilityZeroIsIdentityAndBadSpecsAreRejected() throws {
        var rng = SplitMix64(seed: 1)
        XCTAssertEqual(try Augmentation("hflip@0,jpeg:10-20@0").apply(gradient(), using: &rng), gradient())
        for bad in ["sharpen", "jpeg:0-200", "crop", "blur:x", "hflip@2", "resize:0-2"] {
            XCTAssertThrowsError(try Augmentation(bad), bad) { XCTAssertTrue($0 is DataError) }
        }
    }

    /// A mask goes through the steps that move pixels with the image's own draws, and through no other step; the
    /// image is the one `apply(_:using:)` makes.
    func testMaskMovesWithTheImage() throws {
        var r = SplitMix64(seed: 8)
        let image = RGBImage(width: 32, height: 32, pixels: (0..<(32 * 32 * 3)).map { _ in UInt8.random(in: 0...255, using: &r) })
        var mask = RGBImage(width: 32, height: 32, pixels: [UInt8](repeating: 0, count: 32 * 32 * 3))
        for y in 4..<12 { for x in 2..<20 { for c in 0..<3 { mask.pixels[(y * 32 + x) * 3 + c] = 255 } } }
        for spec in ["hflip@1", "rot90@1", "crop:4", "cutout:8@1", "affine:10@1", "hflip,rot90,jpeg:30-95,crop:3,blur:0.5-1,noise:0.05,jitter:0.2"] {
            let aug = try Augmentation(spec)
            for seed in 0..<6 as Range<UInt64> {
                var a = SplitMix64(seed: seed), b = SplitMix64(seed: seed)
                let both = aug.apply(image, mask: mask, using: &a)
                XCTAssertEqual(both.image.pixels, aug.apply(image, using: &b).pixels, spec)
                XCTAssertEqual(a, b, "\(spec): the same draws")
                // The mask equals the mask put through the moving steps alone, with those steps' draws.
                var c = SplitMix64(seed: seed), expected = mask
                for (step, p) in aug.steps where Double.random(in: 0..<1, using: &c) < p {
                    var same = c
                    if step.movesPixels { expected = Augmentation.apply(step, expected, &same) }
                    _ = Augmentation.apply(step, image, &c)
                }
                XCTAssertEqual(both.mask.pixels, expected.pixels, "\(spec) seed \(seed)")
            }
        }
        var one = SplitMix64(seed: 1)
        XCTAssertEqual(try Augmentation("hflip@1").apply(image, mask: mask, using: &one).mask.pixels, mask.flippedHorizontally().pixels)
        var two = SplitMix64(seed: 1)
        XCTAssertEqual(try Augmentation("jpeg:40-40@1,noise:0.1@1").apply(image, mask: mask, using: &two).mask.pixels, mask.pixels)
    }
}
