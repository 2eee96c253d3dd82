import Foundation
import Imaging
import Inference
import Models
import NN
import Tensor
import XCTest

/// A size router: a checkpoint whose metadata names a second checkpoint for small images.
final class RouterTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("router-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// A 32-px patch model (seed 5) routing images of at most 40 px a side to a 32-px whole-image model (seed 9),
    /// plus each model alone.
    private func detectors() throws -> (router: Detector, large: Detector, small: Detector) {
        let base = ["format": "discern-checkpoint-1", "architecture": "cnn", "classes": "REAL,FAKE", "input_size": "32"]
        var largeMeta = base
        largeMeta["input_mode"] = "patches"
        largeMeta["unsure_band"] = "0.4,0.6"
        var smallMeta = base
        smallMeta["temperature"] = "2"
        smallMeta["unsure_band"] = "0.1,0.9"
        try Checkpoint.save(try ModelFactory.make("cnn", classes: 2, inputSize: 32, seed: 5), metadata: largeMeta, to: dir.appendingPathComponent("large.safetensors"))
        try Checkpoint.save(try ModelFactory.make("cnn", classes: 2, inputSize: 32, seed: 9), metadata: smallMeta, to: dir.appendingPathComponent("small.safetensors"))
        var routerMeta = largeMeta
        routerMeta["small_input_model"] = "small.safetensors"
        routerMeta["small_input_max_side"] = "40"
        try Checkpoint.save(try ModelFactory.make("cnn", classes: 2, inputSize: 32, seed: 5), metadata: routerMeta, to: dir.appendingPathComponent("router.safetensors"))
        return (try Detector(LoadedModel(dir.appendingPathComponent("router.safetensors"))),
                try Detector(LoadedModel(dir.appendingPathComponent("large.safetensors"))),
                try Detector(LoadedModel(dir.appendingPathComponent("small.safetensors"))))
    }

    func testEachImageIsJudgedByTheModelItsSizePicks() throws {
        let (router, large, small) = try detectors()
        let tiny = noiseImage(32, 32, seed: 1), edge = noiseImage(40, 25, seed: 2), big = noiseImage(41, 90, seed: 3)
        XCTAssertTrue(router.route(width: 40, height: 40) === router.smallInputs?.detector)
        XCTAssertTrue(router.route(width: 41, height: 10) === router)
        let mixed = router.probabilities([big, tiny, edge, big])
        XCTAssertEqual(mixed[1][1], small.probabilities([tiny])[0][1], accuracy: 1e-9)
        XCTAssertEqual(mixed[2][1], small.probabilities([edge])[0][1], accuracy: 1e-9)
        XCTAssertEqual(mixed[0][1], large.probabilities([big])[0][1], accuracy: 1e-9)
        XCTAssertEqual(mixed[3][1], mixed[0][1], accuracy: 1e-9)
        XCTAssertNotEqual(mixed[1][1], large.probabilities([tiny])[0][1], accuracy: 1e-6)

        // The small model's calibration decides a small image's verdict (its band 0.1...0.9, not 0.4...0.6), and the
        // evidence says which model scored it.
        let j = router.judgement(path: "t.png", image: tiny, evidence: [], pFake: 0.7)
        XCTAssertEqual(j.verdict, .unsure)
        XCTAssertEqual(j.evidence.map(\.source), ["discern:router"])
        XCTAssertEqual(router.judgement(path: "b.png", image: big, evidence: [], pFake: 0.7).verdict, .fake)
        XCTAssertFalse(router.judgement(path: "b.png", image: big, evidence: [], pFake: 0.7).evidence.contains { $0.source == "discern:router" })
        // Heatmaps: the small model's tiles, the large model's patch grid.
        XCTAssertEqual(router.heatmapCells(tiny, grid: 4).images.count, 16)
        XCTAssertEqual(router.heatmapCells(big, grid: 4).images.count, large.heatmapCells(big, grid: 4).images.count)
        // Temperature 2 undone: the small model's raw probability.
        let raw = small.uncalibrated(mixed[1])
        let logit = log(raw[1] / raw[0]), calibrated = log(mixed[1][1] / mixed[1][0])
        XCTAssertEqual(logit, 2 * calibrated, accuracy: 1e-9)
    }

    func testABrokenRouterIsAOneLineError() throws {
        _ = try detectors()
        var meta = ["format": "discern-checkpoint-1", "architecture": "cnn", "classes": "REAL,FAKE", "input_size": "32",
                    "small_input_model": "../small.safetensors", "small_input_max_side": "40"]
        let model = try ModelFactory.make("cnn", classes: 2, inputSize: 32, seed: 5)
        try Checkpoint.save(model, metadata: meta, to: dir.appendingPathComponent("bad.safetensors"))
        XCTAssertThrowsError(try Detector(LoadedModel(dir.appendingPathComponent("bad.safetensors")))) {
            XCTAssertTrue("\($0)".contains("bad size router"), "\($0)")
        }
        meta["small_input_model"] = "missing.safetensors"
        try Checkpoint.save(model, metadata: meta, to: dir.appendingPathComponent("bad.safetensors"))
        XCTAssertThrowsError(try Detector(LoadedModel(dir.appendingPathComponent("bad.safetensors"))))
        // Without routing, the same file is a plain detector.
        XCTAssertNil(try Detector(LoadedModel(dir.appendingPathComponent("bad.safetensors")), routeSmallInputs: false).smallInputs)
    }

    /// `SizeRouter.join` (the library side of `discern route`) writes a pair that loads as the router built by hand,
    /// drops optimizer state, and refuses mismatched classes, a router as the small model and a bad file name.
    func testJoinWritesAPairThatLoadsAsOneDetector() throws {
        let (handMade, _, _) = try detectors()
        var tensors = try Safetensors.read(dir.appendingPathComponent("large.safetensors")).tensors
        tensors["optimizer/step"] = Tensor(shape: [1], scalars: [3])
        let largeMeta = try Safetensors.read(dir.appendingPathComponent("large.safetensors")).metadata
        try Safetensors.write(tensors, metadata: largeMeta, to: dir.appendingPathComponent("large-opt.safetensors"))
        let out = dir.appendingPathComponent("sub/joined.safetensors")
        let written = try SizeRouter.join(large: dir.appendingPathComponent("large-opt.safetensors"),
                                          small: dir.appendingPathComponent("small.safetensors"), smallMaxSide: 40, out: out)
        XCTAssertEqual(written.small.lastPathComponent, "joined-small.safetensors")
        XCTAssertTrue(FileManager.default.fileExists(atPath: written.small.path))
        let (joinedTensors, joinedMeta) = try Safetensors.read(out)
        XCTAssertNil(joinedTensors["optimizer/step"])
        XCTAssertEqual(joinedMeta["small_input_model"], "joined-small.safetensors")
        XCTAssertEqual(joinedMeta["small_input_max_side"], "40")
        let joined = try Detector(LoadedModel(out))
        let images = [noiseImage(32, 32, seed: 1), noiseImage(41, 90, seed: 3)]
        for (a, b) in zip(joined.probabilities(images), handMade.probabilities(images)) { XCTAssertEqual(a[1], b[1], accuracy: 1e-9) }

        let three = dir.appendingPathComponent("three.safetensors")
        try Checkpoint.save(try ModelFactory.make("cnn", classes: 3, inputSize: 32, seed: 1),
                            metadata: ["format": "discern-checkpoint-1", "architecture": "cnn", "classes": "REAL,SD,GAN", "input_size": "32"], to: three)
        XCTAssertThrowsError(try SizeRouter.join(large: out, small: three, smallMaxSide: 40, out: dir.appendingPathComponent("x.safetensors"))) {
            XCTAssertEqual($0 as? SizeRouterError, .classesDiffer(["REAL", "FAKE"], ["REAL", "SD", "GAN"]))
        }
        XCTAssertThrowsError(try SizeRouter.join(large: out, small: out, smallMaxSide: 40, out: dir.appendingPathComponent("x.safetensors"))) {
            XCTAssertEqual($0 as? SizeRouterError, .smallIsRouter(out.path))
        }
        XCTAssertThrowsError(try SizeRouter.join(large: out, small: three, smallMaxSide: 40, out: dir.appendingPathComponent("x.bin"))) {
            XCTAssertEqual($0 as? SizeRouterError, .notSafetensors(self.dir.appendingPathComponent("x.bin").path))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.safetensors").path))
    }
}
