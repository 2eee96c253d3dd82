import Foundation
import Imaging
import Inference
import Models
import NN
import Tensor
import TestSupport
import XCTest

/// The nearest-neighbour familiarity measure and the UNSURE rule it drives.
final class FamiliarityTests: XCTestCase {
    /// Reference rows along the first two axes of R^3 (given unnormalised: they are scaled to unit length).
    private let reference = Tensor(shape: [3, 3], scalars: [2, 0, 0, 0, 5, 0, 0, 0.5, 0])

    func testDistancesAreToTheKthNearestUnitVector() {
        let f = Familiarity(reference: reference, k: 1, threshold: 1)
        let d = f.distances(Tensor(shape: [3, 3], scalars: [3, 0, 0, 0, 0, 7, 1, 1, 0]))
        XCTAssertEqual(d[0], 0, accuracy: 1e-6, "same direction as a reference row")
        XCTAssertEqual(d[1], 2.0.squareRoot(), accuracy: 1e-6, "orthogonal to every reference row")
        XCTAssertEqual(d[2], (2 - 2 * 0.5.squareRoot()).squareRoot(), accuracy: 1e-6, "45 degrees from the nearest")
        // k = 2: the second nearest of [e1, e2, e2] from e1 is e2.
        XCTAssertEqual(Familiarity(reference: reference, k: 2, threshold: 1).distances(Tensor(shape: [1, 3], scalars: [1, 0, 0]))[0],
                       2.0.squareRoot(), accuracy: 1e-6)
        // Leaving itself out, e1's nearest other row is orthogonal; the two e2 rows are each other's nearest.
        let loo = f.leaveOneOutDistances()
        XCTAssertEqual(loo[0], 2.0.squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(loo[1], 0, accuracy: 1e-6)
        XCTAssertTrue(f.isUnfamiliar(1.01) && !f.isUnfamiliar(1))
    }

    func testFitAllowsAtMostTheGivenShareOfHeldOutImagesBeyondTheThreshold() {
        // Held-out rows at 0, 30, 60 and 90 degrees from e1 (distances rising): 40 % allowed beyond = 1 of 4.
        let angles = [0.0, 30, 60, 90].map { $0 * Double.pi / 180 }
        let heldOut = Tensor(shape: [4, 3], scalars: angles.flatMap { [Float(cos($0)), 0, Float(sin($0))] })
        let one = Tensor(shape: [1, 3], scalars: [1, 0, 0])
        let (f, d) = Familiarity.fit(reference: one, heldOut: heldOut, k: 1, maxShare: 0.4)
        XCTAssertEqual(d.count, 4)
        XCTAssertEqual(d.filter(f.isUnfamiliar).count, 1)
        XCTAssertEqual(f.threshold, (d[2] + d[3]) / 2, accuracy: 1e-12, "midway between the 60-degree image (in) and the 90-degree one")
        XCTAssertEqual(Familiarity.fit(reference: one, heldOut: heldOut, k: 1, maxShare: 0).0.threshold, d[3], accuracy: 1e-12)
    }

    func testStoredMeasureLoadsAndAMalformedOneIsIgnored() {
        let f = Familiarity(reference: reference, k: 2, threshold: 0.75)
        var meta = CheckpointMetadata(architecture: "effnet-lite0", classes: ["REAL", "FAKE"], inputSize: 32)
        f.store(in: &meta, data: "train.jsonl")
        XCTAssertEqual(meta.map["familiarity_k"], "2")
        XCTAssertEqual(meta.map["familiarity_threshold"], "0.75")
        XCTAssertEqual(meta.map["familiarity_data"], "train.jsonl")
        let back = Familiarity(tensors: [Familiarity.tensorName: f.reference], metadata: meta)
        XCTAssertEqual(back?.k, 2)
        XCTAssertEqual(back?.threshold, 0.75)
        XCTAssertEqual(back?.reference.scalars, f.reference.scalars)
        var tooLarge = meta
        tooLarge.familiarityK = 4
        XCTAssertNil(Familiarity(tensors: [Familiarity.tensorName: f.reference], metadata: tooLarge), "k beyond the reference")
        XCTAssertNil(Familiarity(tensors: [:], metadata: meta), "no reference tensor")
    }

    /// An EfficientNet-Lite0 patch model (32-px patches) with a measure over two images' features: a pixel verdict
    /// turns UNSURE, with the reason and the distance, exactly when the image is beyond the threshold.
    func testAnUnfamiliarImageIsUnsureWithTheReason() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("familiarity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let meta = ["format": "discern-checkpoint-1", "architecture": "effnet-lite0", "classes": "REAL,FAKE", "input_size": "32",
                    "input_mode": "patches", "unsure_band": "0.45,0.55"]
        let model = try ModelFactory.make("effnet-lite0", classes: 2, inputSize: 32, seed: 3)
        let plain = dir.appendingPathComponent("plain.safetensors")
        try Checkpoint.save(model, metadata: meta, to: plain)
        let detector = try Detector(LoadedModel(plain))
        XCTAssertNil(detector.familiarity)
        XCTAssertTrue(detector.hasImageFeatures)
        let familiar = noiseImage(64, 48, seed: 1), other = noiseImage(40, 40, seed: 2)
        let reference = try XCTUnwrap(detector.imageFeatures([familiar, noiseImage(48, 48, seed: 5)]))
        XCTAssertEqual(reference.shape, [2, EfficientNetLite.featureWidth])
        XCTAssertNil(detector.scores([familiar])[0].distance, "no measure, no distance")

        func measured(threshold: Double) throws -> Detector {
            let url = dir.appendingPathComponent("measured.safetensors")
            var tensors = try Safetensors.read(plain).tensors
            let f = Familiarity(reference: reference, k: 1, threshold: threshold)
            tensors[Familiarity.tensorName] = f.reference
            var metadata = try CheckpointMetadata(meta, path: "test")
            f.store(in: &metadata, data: "test")
            try Safetensors.write(tensors, metadata: metadata.map, to: url)
            return try Detector(LoadedModel(url))
        }
        let d = try measured(threshold: 1e-3)
        let scores = d.scores([familiar, other])
        XCTAssertEqual(try XCTUnwrap(scores[0].distance), 0, accuracy: 1e-3, "an image of the reference is at distance 0")
        XCTAssertGreaterThan(try XCTUnwrap(scores[1].distance), 1e-3)
        // The measure does not change the scores (up to the last bits: logits from the features, not the fused pass).
        for (a, b) in zip(scores[0].probabilities, detector.probabilities([familiar])[0]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        let near = d.judgement(path: "a.png", image: familiar, evidence: [], pFake: 0.9, distance: scores[0].distance)
        XCTAssertEqual(near.verdict, .fake)
        XCTAssertTrue(near.evidence.contains { $0.source == "discern:familiarity" && $0.value.contains("nearest training image") })
        let far = d.judgement(path: "b.png", image: other, evidence: [], pFake: 0.9, distance: scores[1].distance)
        XCTAssertEqual(far.verdict, .unsure)
        XCTAssertEqual(far.reason, Detector.unfamiliarReason(pixels: .fake))
        XCTAssertEqual(d.judgement(path: "b.png", image: other, evidence: [], pFake: 0.1, distance: scores[1].distance).verdict, .unsure)
        // Generator metadata still decides.
        let ai = Evidence(source: "png:parameters", value: "Steps: 20", indicates: .aiGenerated)
        XCTAssertEqual(d.judgement(path: "b.png", image: other, evidence: [ai], pFake: 0.1, distance: scores[1].distance).verdict, .fake)
        // A threshold beyond every distance leaves the pixel verdict.
        XCTAssertEqual(try measured(threshold: 2).judgement(path: "b.png", image: other, evidence: [], pFake: 0.9, distance: scores[1].distance).verdict, .fake)
        // Only the network's tensors go into the model; the reference is kept beside it.
        XCTAssertEqual(Checkpoint.modelTensors(try Safetensors.read(dir.appendingPathComponent("measured.safetensors")).tensors).count,
                       model.namedTensors().count)
    }

    /// `FamiliarityFitting` (the library side of `discern familiarity`) takes only a patch model with image features that
    /// is not a router, and refuses a reference no larger than k or an empty held-out set by name.
    func testFittingRefusesModelsAndDataItCannotUse() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("familiarity-fit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = dir.appendingPathComponent("whole.safetensors")
        try Checkpoint.save(try ModelFactory.make("cnn", classes: 2, inputSize: 32, seed: 1),
                            metadata: ["format": "discern-checkpoint-1", "architecture": "cnn", "classes": "REAL,FAKE", "input_size": "32"], to: whole)
        XCTAssertThrowsError(try FamiliarityFitting(model: whole)) {
            XCTAssertEqual($0 as? FamiliarityFittingError, .noImageFeatures(whole.path))
        }
        let patches = dir.appendingPathComponent("patches.safetensors")
        try Checkpoint.save(try ModelFactory.make("effnet-lite0", classes: 2, inputSize: 32, seed: 1),
                            metadata: ["format": "discern-checkpoint-1", "architecture": "effnet-lite0", "classes": "REAL,FAKE",
                                       "input_size": "32", "input_mode": "patches"], to: patches)
        let fitting = try FamiliarityFitting(model: patches)
        let reference = randomTensor([3, 1280], seed: 1), heldOut = randomTensor([2, 1280], seed: 2)
        XCTAssertThrowsError(try fitting.fit(reference: reference, heldOut: heldOut, k: 3, maxShare: 0.1)) {
            XCTAssertEqual($0 as? FamiliarityFittingError, .referenceTooSmall(count: 3, k: 3))
        }
        XCTAssertThrowsError(try fitting.fit(reference: reference, heldOut: Tensor(shape: [0, 1280], scalars: []), k: 1, maxShare: 0.1)) {
            XCTAssertEqual($0 as? FamiliarityFittingError, .noHeldOut)
        }
        // Features of the CIFAKE sample: one row per image; the fitted measure is stored and loads.
        let features = try fitting.features([sharedDataURL("cifake/sample").path])
        XCTAssertEqual(features.shape, [64, 1280])
        let (familiarity, distances) = try fitting.fit(reference: features, heldOut: features, k: 2, maxShare: 0.1)
        XCTAssertEqual(distances.count, 64)
        let out = dir.appendingPathComponent("fitted.safetensors")
        try fitting.write(familiarity, data: "sample", to: out)
        XCTAssertEqual(try LoadedModel(out).metadata.familiarityThreshold, familiarity.threshold)
        XCTAssertEqual(FamiliarityFitting.median([3, 1, 2]), 2)
        XCTAssertEqual(FamiliarityFitting.median([4, 1, 2, 3]), 2.5)
    }
}
