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
}
