import Data
import Inference
import Models
import TestSupport
import XCTest

/// `hflip` test-time augmentation on an untrained CNN (whose outputs are not mirror-symmetric) and the 64 sample
/// images: the scores are the mean of the plain scores on the images and on their mirrors, so they no longer change
/// when the images are mirrored.
final class TestTimeAugmentationTests: XCTestCase {
    func testHflipAveragesTheImageAndItsMirrorAndIsMirrorInvariant() throws {
        let dataset = try DecodedDataset.load(DatasetSource(paths: [sharedDataURL("cifake/sample").path]))
        let mirrored = dataset.mapped { image, _ in image.flippedHorizontally() }
        let model = try ModelFactory.make("cnn-small", seed: 7)
        let plain = Predictor.probabilities(model, dataset: dataset)
        let plainMirrored = Predictor.probabilities(model, dataset: mirrored)
        let tta = Predictor.probabilities(model, dataset: dataset, augmentation: .hflip)
        let ttaMirrored = Predictor.probabilities(model, dataset: mirrored, augmentation: .hflip)
        XCTAssertEqual(tta.count, 64)
        let asymmetry = zip(plain, plainMirrored).map { abs($0[1] - $1[1]) }.max()!
        XCTAssertGreaterThan(asymmetry, 1e-4, "the untrained model must see a difference between an image and its mirror")
        for i in 0..<64 {
            for k in 0..<2 {
                XCTAssertEqual(tta[i][k], (plain[i][k] + plainMirrored[i][k]) / 2, accuracy: 1e-12)
                XCTAssertEqual(tta[i][k], ttaMirrored[i][k], accuracy: 1e-12)
            }
            XCTAssertEqual(tta[i][0] + tta[i][1], 1, accuracy: 1e-9)
        }
        let none = Predictor.probabilities(model, dataset: dataset, temperature: 2, augmentation: .none)
        XCTAssertEqual(none, Predictor.probabilities(model, dataset: dataset, temperature: 2))
    }
}
