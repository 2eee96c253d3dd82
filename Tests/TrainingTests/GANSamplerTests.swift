import Data
import Foundation
import Imaging
import Models
import NN
import Tensor
import Training
import XCTest

/// `GANSampler`: a generator checkpoint read back and its images written as CIFAKE stores its files.
final class GANSamplerTests: XCTestCase {
    func testWritesTheSameJPEGsForASeedAndRefusesOtherCheckpoints() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gan-sampler-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SplitMix64(seed: 3)
        let generator = DCGANGenerator(latent: 8, size: 32, using: &rng)
        let url = dir.appendingPathComponent("generator.safetensors")
        try Checkpoint.save(generator, metadata: ["architecture": "dcgan-generator", "latent": "8", "size": "32"], to: url)
        let loaded = try GANSampler.loadGenerator(url)
        XCTAssertEqual(loaded.latent, 8)
        XCTAssertEqual(loaded.size, 32)

        var reported: [Int] = []
        try GANSampler.writeJPEGs(loaded, count: 3, seed: 7, label: "GAN", to: dir.appendingPathComponent("a").path) { reported.append($0) }
        try GANSampler.writeJPEGs(generator, count: 3, seed: 7, label: "GAN", to: dir.appendingPathComponent("b").path)
        XCTAssertEqual(reported, [3])
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("a/GAN").path).sorted()
        XCTAssertEqual(names, ["gan-7-000000.jpg", "gan-7-000001.jpg", "gan-7-000002.jpg"])
        for name in names {
            let a = try Data(contentsOf: dir.appendingPathComponent("a/GAN/\(name)"))
            XCTAssertEqual(a, try Data(contentsOf: dir.appendingPathComponent("b/GAN/\(name)")))
            let image = try JPEGCodec.decode(a)
            XCTAssertEqual([image.width, image.height], [32, 32])
        }

        let other = dir.appendingPathComponent("cnn.safetensors")
        try Checkpoint.save(try ModelFactory.make("cnn", classes: 2, inputSize: 32, seed: 1), metadata: ["architecture": "cnn"], to: other)
        XCTAssertThrowsError(try GANSampler.loadGenerator(other)) {
            XCTAssertEqual(($0 as? GANSampler.NotAGenerator)?.path, other.path)
        }
    }
}
