import Data
import Evaluation
import Foundation
import Inference
import Models
import NN
import TestSupport
import XCTest

/// `CheckpointCalibration`, the library side of `discern calibrate`, called directly.
final class CheckpointCalibrationTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("calibration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func checkpoint(_ name: String, architecture: String = "cnn", classes: [String] = ["REAL", "FAKE"]) throws -> URL {
        let url = dir.appendingPathComponent(name)
        let metadata = ["format": "discern-checkpoint-1", "architecture": architecture, "classes": classes.joined(separator: ","), "input_size": "32"]
        try Checkpoint.save(try ModelFactory.make(architecture, classes: classes.count, inputSize: 32, seed: 4), metadata: metadata, to: url)
        return url
    }

    /// The written checkpoint carries the fitted temperature and band, which equal a refit from the same logits, and the
    /// source checkpoint is untouched.
    func testFitsAndWritesTemperatureAndBand() throws {
        let model = try checkpoint("cnn.safetensors")
        let before = try Data(contentsOf: model)
        let out = dir.appendingPathComponent("calibrated.safetensors")
        let sample = sharedDataURL("cifake/sample").path
        let outcome = try CheckpointCalibration(model: model, data: [sample], maxUnsure: 0.1).run(writingTo: out)
        XCTAssertEqual(outcome.count, 64)
        XCTAssertEqual(try Data(contentsOf: model), before)
        let loaded = try LoadedModel(out)
        XCTAssertEqual(loaded.metadata.temperature, outcome.temperature)
        XCTAssertEqual(loaded.metadata.unsureBand, outcome.band)
        XCTAssertEqual(loaded.metadata.calibrationData, sample)
        XCTAssertEqual(outcome.batchNormBatchesUsed, 0)
        // At most 10 % of the 64 held-out images fall strictly inside the band.
        let dataset = try DecodedDataset.load(DatasetSource(paths: [sample]), size: 32, classes: loaded.classes)
        let logits = Predictor.binaryLogits(loaded.model, dataset: dataset)
        let inside = logits.map { 1 / (1 + exp(-$0 / outcome.temperature)) }.filter { $0 > outcome.band.lowerBound && $0 < outcome.band.upperBound }
        XCTAssertLessThanOrEqual(inside.count, 6)
        // The temperature minimises the held-out negative log-likelihood: no worse than 1, nor than 10 % either side.
        func nll(_ t: Double) -> Double {
            zip(logits, dataset.labels).map { z, y in let p = 1 / (1 + exp(-z / t)); return -log(y == 1 ? p : 1 - p) }.reduce(0, +)
        }
        for other in [1, outcome.temperature * 0.9, outcome.temperature * 1.1] { XCTAssertLessThanOrEqual(nll(outcome.temperature), nll(other) + 1e-9) }
    }

    /// A 3-class model, and batch-norm re-estimation of a model without batch norm, are refused by name; nothing is written.
    func testRefusals() throws {
        let out = dir.appendingPathComponent("out.safetensors")
        let sample = sharedDataURL("cifake/sample").path
        let three = try checkpoint("three.safetensors", classes: ["REAL", "SD", "GAN"])
        XCTAssertThrowsError(try CheckpointCalibration(model: three, data: [sample]).run(writingTo: out)) {
            XCTAssertEqual($0 as? CheckpointCalibrationError, .notBinary(classes: ["REAL", "SD", "GAN"]))
        }
        let plain = try checkpoint("cnn.safetensors")  // cnn has no batch norm
        XCTAssertThrowsError(try CheckpointCalibration(model: plain, data: [sample], batchNormBatches: 1).run(writingTo: out)) {
            XCTAssertEqual($0 as? CheckpointCalibrationError, .noBatchNorm)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }
}
