import Foundation
import Models
import NN
import Tensor
import TestSupport
import XCTest

/// The taef2 tiny autoencoder port: with the weights of ../shared/weights/taesd (converted by
/// `scripts/weights/convert_taesd.sh`; path in `DISCERN_TAESD_WEIGHTS` or the default cache), the encoder's latent
/// and the decoder's output equal those of the reference PyTorch definition within 1e-4
/// (`Tests/Fixtures/taesd/taef2_reference.json`, made by `scripts/make_taesd_fixture.py`).
final class TinyAutoencoderPortTests: XCTestCase {
    func loadModel() throws -> TinyAutoencoder {
        let path = TinyAutoencoder.defaultWeightsPath(environment: ProcessInfo.processInfo.environment)
        _ = try XCTUnwrap(FileManager.default.fileExists(atPath: path) ? path : nil,
                          "taef2 weights missing at \(path): run scripts/weights/convert_taesd.sh")
        let model = TinyAutoencoder()
        try model.load(Safetensors.read(URL(fileURLWithPath: path)).tensors)
        return model
    }

    func fixture() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/taesd/taef2_reference.json")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func floats(_ any: Any?) throws -> [Float] { try XCTUnwrap(any as? [Double]).map(Float.init) }

    func testEncoderAndDecoderMatchTheReference() throws {
        let model = try loadModel()
        let f = try fixture()
        let (h, w) = (try XCTUnwrap(f["height"] as? Int), try XCTUnwrap(f["width"] as? Int))
        let pixels = try XCTUnwrap(f["pixels"] as? [Int])
        let input = Tensor(shape: [1, h, w, 3], scalars: pixels.map { Float($0) / 255 })
        let latent = GradMode.withoutGrad { model.encoder(input) }
        XCTAssertEqual(latent.shape, [1, h / 8, w / 8, 32])
        let expectedLatent = try floats(f["latent"])
        let latentError = zip(latent.scalars, expectedLatent).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(latentError, 1e-4, "encoder latent differs from PyTorch by \(latentError)")

        // The decoder from PyTorch's own latent, so its error is measured alone.
        let reference = Tensor(shape: [1, h / 8, w / 8, 32], scalars: expectedLatent)
        let decoded = GradMode.withoutGrad { model.decoder(reference) }
        XCTAssertEqual(decoded.shape, [1, h, w, 3])
        let decodedError = zip(decoded.scalars, try floats(f["decoded"])).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(decodedError, 1e-4, "decoder output differs from PyTorch by \(decodedError)")

        let reconstruction = model.reconstruct(input)
        let roundTrip = zip(reconstruction.scalars, try floats(f["reconstruction"])).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(roundTrip, 1e-4, "encode + decode differs from PyTorch by \(roundTrip)")
        print("taef2 port, max |Swift - PyTorch|: latent \(latentError), decoder \(decodedError), round trip \(roundTrip)")
        XCTAssertTrue(reconstruction.scalars.allSatisfy { (0...1).contains($0) })
        // A faithful autoencoder: the reconstruction is close to the photo (PSNR above 25 dB), not equal to it.
        let mse = zip(reconstruction.scalars, input.scalars).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Float(input.count)
        let psnr = 10 * log10(1 / mse)
        XCTAssertGreaterThan(psnr, 25)
        XCTAssertLessThan(psnr, 80)
    }

    func testLoadRefusesMissingAndMisshapenWeights() throws {
        let model = TinyAutoencoder()
        var state = Dictionary(uniqueKeysWithValues: model.namedTensors().map { name, t in
            (name.replacingOccurrences(of: "coder.layers.", with: "coder."), t.rank == 4 ? t.permuted([3, 2, 0, 1]) : t)
        })
        XCTAssertEqual(state.count, 158)  // 79 tensors each, as the reference state_dicts
        XCTAssertNoThrow(try TinyAutoencoder().load(state))
        state["decoder.19.weight"] = Tensor(zeros: [3, 64, 1, 1])
        XCTAssertThrowsError(try TinyAutoencoder().load(state))
        state.removeValue(forKey: "decoder.19.weight")
        XCTAssertThrowsError(try TinyAutoencoder().load(state)) { XCTAssertTrue("\($0)".contains("decoder.19.weight")) }
    }
}
