import Data
import Models
import NN
import Tensor
import TestSupport
import XCTest

/// `resnet-s2`: the 4x4 stride-2 stem (padding 1) halves the side before the stages and changes nothing else.
final class ResNetStemTests: XCTestCase {
    func testStrideTwoStemHalvesTheSideAndOnlyTheStemDiffers() throws {
        let plain = try XCTUnwrap(ModelFactory.make("resnet", width: 8, depth: 1, seed: 3) as? ResNet)
        let strided = try XCTUnwrap(ModelFactory.make("resnet-s2", width: 8, depth: 1, seed: 3) as? ResNet)
        XCTAssertEqual(plain.stem.weight.shape, [3, 3, 3, 8])
        XCTAssertEqual(strided.stem.weight.shape, [4, 4, 3, 8])
        XCTAssertEqual(strided.parameterCount - plain.parameterCount, (16 - 9) * 3 * 8)
        var rng = SplitMix64(seed: 9)
        let x = Tensor(shape: [2, 32, 32, 3], scalars: (0..<(2 * 32 * 32 * 3)).map { _ in Float.random(in: 0...1, using: &rng) })
        XCTAssertEqual(strided.stem(x).shape, [2, 16, 16, 8])
        XCTAssertEqual(plain.stem(x).shape, [2, 32, 32, 8])
        XCTAssertEqual(strided(x).shape, [2, 1])
    }

    /// Output pixel (i, j) of the stem sees input rows 2i-1...2i+2 and columns 2j-1...2j+2 (zeros outside).
    func testStrideTwoStemWindowIsPaddedByOne() throws {
        let model = try XCTUnwrap(ModelFactory.make("resnet-s2", width: 4, depth: 1, seed: 5) as? ResNet)
        var rng = SplitMix64(seed: 11)
        let side = 8
        let pixels = (0..<(side * side * 3)).map { _ in Float.random(in: -1...1, using: &rng) }
        let y = model.stem(Tensor(shape: [1, side, side, 3], scalars: pixels)).scalars
        let w = model.stem.weight.scalars  // [4, 4, 3, 4]
        for (i, j) in [(0, 0), (1, 2), (3, 3)] {
            for f in 0..<4 {
                var expected: Float = 0
                for ky in 0..<4 {
                    for kx in 0..<4 {
                        let r = 2 * i - 1 + ky, c = 2 * j - 1 + kx
                        guard (0..<side).contains(r), (0..<side).contains(c) else { continue }
                        for ch in 0..<3 { expected += pixels[(r * side + c) * 3 + ch] * w[((ky * 4 + kx) * 3 + ch) * 4 + f] }
                    }
                }
                XCTAssertEqual(y[((i * 4) + j) * 4 + f], expected, accuracy: 1e-5, "pixel (\(i), \(j)) filter \(f)")
            }
        }
    }

    /// The strided network still fits the 64 sample images (full-batch Adam, fixed budget).
    func testStridedResNetMemorisesTheSampleImages() throws {
        let dataset = try DecodedDataset.load(DatasetSource(paths: [sharedDataURL("cifake/sample").path]))
        let batch = BatchLoader(dataset: dataset, batchSize: 64, shuffle: false, seed: 0).makeBatch(Array(0..<64), batch: 0, epoch: 0)
        let model = try ModelFactory.make("resnet-s2", width: 16, depth: 1, seed: 2)
        let optimizer = Adam(parameters: model.parameters(), learningRate: 3e-3)
        let targets = batch.labels.map(Float.init)
        var accuracy = 0.0
        for _ in 1...120 {
            let logits = model(batch.images)
            let loss = Loss.binaryCrossEntropy(logits: logits, targets: targets)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            accuracy = Double(zip(logits.scalars, batch.labels).filter { ($0 > 0 ? 1 : 0) == $1 }.count) / 64
            if accuracy == 1 { break }
        }
        XCTAssertEqual(accuracy, 1)
    }
}
