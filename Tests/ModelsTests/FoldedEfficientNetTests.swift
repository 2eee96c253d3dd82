import Models
import NN
import Tensor
import TestSupport
import XCTest

/// Inference with batch norm folded into the convolutions (`FoldedEfficientNet`, taken in evaluation
/// mode with gradients off) computes what the layer-by-layer network computes.
final class FoldedEfficientNetTests: XCTestCase {
    /// A small-weight EfficientNet-Lite0 with batch-norm statistics far from the identity, so folding matters.
    func model(stemStride: Int) -> EfficientNetLite {
        var rng = SplitMix64(seed: 3)
        let net = EfficientNetLite(classes: 2, stemStride: stemStride, using: &rng)
        for (i, (name, t)) in net.namedTensors().enumerated() {
            let values = randomTensor(t.shape, seed: UInt64(100 + i)).scalars
            if name.hasSuffix("runningVar") {
                t.assign(Tensor(shape: t.shape, scalars: values.map { 0.5 + abs($0) }))
            } else if name.hasSuffix("runningMean") || name.hasSuffix(".bias") {
                t.assign(Tensor(shape: t.shape, scalars: values.map { 0.2 * $0 }))
            } else if name.hasSuffix("bn0.weight") || name.hasSuffix("bn1.weight") || name.hasSuffix("bn2.weight") {
                t.assign(Tensor(shape: t.shape, scalars: values.map { 0.8 + 0.4 * $0 }))
            }
        }
        net.weightsDidChange()
        net.setTraining(false)
        return net
    }

    func testFoldedInferenceEqualsTheLayerByLayerNetwork() {
        for stride in [2, 1] {
            let net = model(stemStride: stride)
            let x = randomTensor([3, 40, 40, 3], seed: 9, range: 0...1)
            let layered = net(x)  // gradients on: the unfolded path
            let folded = GradMode.withoutGrad { net(x) }
            XCTAssertGreaterThan(layered.scalars.map(abs).max()!, 1e-3, "outputs too small to compare")
            assertClose(folded, layered, atol: 1e-4, rtol: 1e-3, "stem stride \(stride)")
            assertClose(GradMode.withoutGrad { net.features(x) }, net.features(x), atol: 1e-4, rtol: 1e-3, "features, stem stride \(stride)")
        }
    }

    func testFoldedWeightsFollowLoadsAndModeChanges() throws {
        let net = model(stemStride: 2)
        let x = randomTensor([2, 32, 32, 3], seed: 10, range: 0...1)
        let before = GradMode.withoutGrad { net(x) }
        // New weights through a checkpoint load: the folded network must be rebuilt from them.
        let other = model(stemStride: 2)
        other.fc.bias!.assign(Tensor(shape: [1], scalars: [3]))
        other.bn1.runningMean.assign(Tensor(repeating: 0.7, shape: [EfficientNetLite.featureWidth]))
        try Checkpoint.load(into: net, tensors: Dictionary(uniqueKeysWithValues: other.namedTensors().map { ($0.name, $0.tensor.copy()) }))
        let after = GradMode.withoutGrad { net(x) }
        XCTAssertGreaterThan(abs(after.scalars[0] - before.scalars[0]), 0.1)
        assertClose(after, net(x), atol: 1e-4, rtol: 1e-3, "after a checkpoint load")
        // Training changes the running statistics; back in evaluation mode the folded network uses the new ones.
        let settled = GradMode.withoutGrad { net(x) }
        net.setTraining(true)
        for _ in 0..<5 { _ = net(x) }
        net.setTraining(false)
        let moved = GradMode.withoutGrad { net(x) }
        XCTAssertNotEqual(moved.scalars, settled.scalars, "the folded network still uses the old running statistics")
        assertClose(moved, net(x), atol: 1e-4, rtol: 1e-3, "after training steps")
    }

    /// The region features come from the same pass as the logits: the logits equal `callAsFunction`'s, and the
    /// features are the output of stage 4 (stride 16; 8 with a stride-1 stem) or stage 2 (stride 8; 4).
    func testLogitsAndRegionFeaturesAreOnePass() {
        for (stemStride, side) in [(2, 64), (1, 32)] {
            let net = model(stemStride: stemStride)
            let x = randomTensor([2, side, side, 3], seed: 4, range: 0...1)
            XCTAssertEqual(EfficientNetLite.regionStrides(stemStride: stemStride), [4 * stemStride, 8 * stemStride])
            // Lite0's stages 0-2 are 1 + 2 + 2 blocks (40 channels out), stages 0-4 are 11 blocks (112 channels).
            for (stride, blocks, channels) in [(8 * stemStride, 11, 112), (4 * stemStride, 5, 40)] {
                let out = net.logitsAndRegionFeatures(x, stride: stride)
                XCTAssertEqual(out.logits.scalars, net(x).scalars, "stem stride \(stemStride), region stride \(stride)")
                XCTAssertEqual(out.region.shape, [2, side / stride, side / stride, channels])
                XCTAssertEqual(net.regionChannels(stride: stride), channels)
                var h = net.bn0(net.convStem(x * 2 - 1)).relu6()
                for block in net.blocks.prefix(blocks) { h = block(h) }
                XCTAssertEqual(out.region.scalars, h.scalars)
            }
        }
    }
}
