import Foundation
import Imaging
import Inference
import Models
import NN
import XCTest

/// Where a patch model looks (`PatchPlan`) and how its patch scores become one answer (`PatchAggregation`).
final class PatchPlanTests: XCTestCase {
    /// Every pixel of the image lies in some patch.
    private func covered(_ plan: PatchPlan, width: Int, height: Int) -> Bool {
        var hit = [Bool](repeating: false, count: width * height)
        for o in plan.origins {
            for y in o.y..<(o.y + plan.side) { for x in o.x..<(o.x + plan.side) { hit[y * width + x] = true } }
        }
        return !hit.contains(false)
    }

    func testGridCoversTheImageAtNativeResolution() {
        let plan = PatchPlan(width: 1000, height: 600, side: 224)
        XCTAssertEqual([plan.columns, plan.rows, plan.count, plan.downscale], [5, 3, 15, 1])
        XCTAssertFalse(plan.resized)
        XCTAssertTrue(plan.covers)
        XCTAssertTrue(covered(plan, width: 1000, height: 600))
        XCTAssertEqual(plan.origins.first, .init(x: 0, y: 0))
        XCTAssertEqual(plan.origins.last, .init(x: 1000 - 224, y: 600 - 224), "the last patch ends on the last pixel")
        XCTAssertTrue(plan.origins.allSatisfy { $0.x >= 0 && $0.y >= 0 && $0.x + 224 <= 1000 && $0.y + 224 <= 600 })
        // An exact multiple tiles without overlap; one patch is centred.
        XCTAssertEqual(PatchPlan(width: 448, height: 224, side: 224).origins, [.init(x: 0, y: 0), .init(x: 224, y: 0)])
        XCTAssertEqual(PatchPlan(width: 300, height: 224, side: 224).origins, [.init(x: 0, y: 0), .init(x: 76, y: 0)])
        XCTAssertEqual(PatchPlan(width: 224, height: 230, side: 224, maxPatches: 1).origins, [.init(x: 0, y: 3)])
    }

    func testHugeImagesGetASpreadSampleWithinTheCap() {
        // 24 MP (6000 x 4000): 27 x 18 = 486 patches would cover it; the cap keeps 64 or fewer, in the image's aspect.
        let plan = PatchPlan(width: 6000, height: 4000, side: 224, maxPatches: 64)
        XCTAssertLessThanOrEqual(plan.count, 64)
        XCTAssertGreaterThanOrEqual(plan.count, 48)
        XCTAssertFalse(plan.covers)
        XCTAssertEqual(Double(plan.columns) / Double(plan.rows), 1.5, accuracy: 0.35)
        XCTAssertEqual(plan.origins.first, .init(x: 0, y: 0))
        XCTAssertEqual(plan.origins.last, .init(x: 6000 - 224, y: 4000 - 224), "the sample reaches both far edges")
        XCTAssertEqual(Set(plan.origins).count, plan.count)
        // A strip: all the cap goes along its length.
        let strip = PatchPlan(width: 100_000, height: 300, side: 224, maxPatches: 64)
        XCTAssertEqual([strip.columns, strip.rows], [64, 1])
    }

    func testPixelBudgetShrinksByAnIntegerFactorAndSmallImagesAreResized() {
        let big = PatchPlan(width: 10_000, height: 8_000, side: 224, pixelBudget: 40_000_000)
        XCTAssertEqual(big.downscale, 2, "80 MP halves to 20 MP")
        XCTAssertTrue(big.origins.allSatisfy { $0.x + 224 <= 5000 && $0.y + 224 <= 4000 })
        XCTAssertEqual(PatchPlan(width: 6000, height: 4000, side: 224).downscale, 1, "24 MP stays native")
        let small = PatchPlan(width: 300, height: 150, side: 224)
        XCTAssertTrue(small.resized)
        XCTAssertEqual(small.origins, [.init(x: 75, y: 0)], "the centred 150 x 150 square")
        XCTAssertEqual(small.count, 1)
    }

    func testMeanLogitIsTheSigmoidOfTheMeanLogitAndTopKLooksAtTheWorstPatches() {
        let p = [0.9, 0.2, 0.6, 0.99]
        let patches = p.map { [1 - $0, $0] }  // [REAL, FAKE]
        let logit = { (q: Double) in log(q / (1 - q)) }
        let mean = p.map(logit).reduce(0, +) / 4
        let agg = PatchAggregation.meanLogit.aggregate(patches, realIndex: 0)
        XCTAssertEqual(agg[1], 1 / (1 + exp(-mean)), accuracy: 1e-12)
        XCTAssertEqual(agg[0] + agg[1], 1, accuracy: 1e-12)
        // top-k:0.5 keeps the two patches with the highest p_fake (0.99 and 0.9).
        let top = PatchAggregation.topK(fraction: 0.5).aggregate(patches, realIndex: 0)
        XCTAssertEqual(top[1], 1 / (1 + exp(-(logit(0.99) + logit(0.9)) / 2)), accuracy: 1e-12)
        // A REAL index other than 0 (a 3-class model): p_fake is 1 - p_REAL.
        let three = [[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]
        let a3 = PatchAggregation.meanLogit.aggregate(three, realIndex: 1)
        XCTAssertEqual(a3.reduce(0, +), 1, accuracy: 1e-12)
        let g = [sqrt(0.1 * 0.5), sqrt(0.7 * 0.3), sqrt(0.2 * 0.2)]
        XCTAssertEqual(a3[1], g[1] / g.reduce(0, +), accuracy: 1e-12)
        XCTAssertEqual(PatchAggregation("top-k:0.25"), .topK(fraction: 0.25))
        XCTAssertEqual(PatchAggregation("mean-logit"), .meanLogit)
        XCTAssertNil(PatchAggregation("top-k:0"))
        XCTAssertNil(PatchAggregation("median"))
    }
}

/// A patch model scores an image as its native-resolution patches, aggregated; a whole-image model as before.
final class PatchDetectorTests: XCTestCase {
    /// The same 32-px CNN saved twice: as a whole-image model and as a patch model.
    private func detectors(pixelBudget: Int = PatchPlan.defaultPixelBudget) throws -> (patches: Detector, whole: Detector) {
        let model = try ModelFactory.make("cnn", classes: 2, inputSize: 32, seed: 5)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("patch-detector-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var meta = ["format": "discern-checkpoint-1", "architecture": "cnn", "classes": "REAL,FAKE", "input_size": "32"]
        try Checkpoint.save(model, metadata: meta, to: dir.appendingPathComponent("whole.safetensors"))
        meta["input_mode"] = "patches"
        try Checkpoint.save(model, metadata: meta, to: dir.appendingPathComponent("patches.safetensors"))
        return (try Detector(LoadedModel(dir.appendingPathComponent("patches.safetensors")), pixelBudget: pixelBudget),
                try Detector(LoadedModel(dir.appendingPathComponent("whole.safetensors"))))
    }

    func testAPatchModelAggregatesItsNativePatchesAndAWholeModelResizes() throws {
        let (patches, whole) = try detectors()
        XCTAssertEqual(patches.inputMode, .patches)
        XCTAssertEqual(whole.inputMode, .whole)
        let img = noiseImage(100, 70, seed: 1)
        // Independently: the 4 x 3 grid's windows, cut here and scored by the whole-image model at their native size.
        let xs = [0, 23, 45, 68], ys = [0, 19, 38]
        let windows = ys.flatMap { y in xs.map { x in img.cropped(x: x, y: y, width: 32, height: 32) } }
        let expected = PatchAggregation.meanLogit.aggregate(whole.probabilities(windows), realIndex: 0)
        let got = patches.probabilities([img])[0]
        XCTAssertEqual(got[1], expected[1], accuracy: 1e-9)
        XCTAssertEqual(patches.plan(width: 100, height: 70).origins.map(\.x).prefix(4), xs[...])
        // The whole-image model resizes the image instead: another answer.
        XCTAssertNotEqual(whole.probabilities([img])[0][1], got[1], accuracy: 1e-6)
        // Batched with other images, each image keeps its own answer.
        let other = noiseImage(40, 40, seed: 2)
        let both = patches.probabilities([other, img])
        XCTAssertEqual(both[1][1], got[1], accuracy: 1e-6)
        XCTAssertEqual(both[0][1], patches.probabilities([other])[0][1], accuracy: 1e-6)
        // The heatmap is the patch grid.
        let cells = patches.heatmapCells(img, grid: 4)
        XCTAssertEqual([cells.columns, cells.rows, cells.images.count], [4, 3, 12])
        XCTAssertEqual(cells.images[5], windows[5])
        XCTAssertEqual(whole.heatmapCells(img, grid: 4).images.count, 16)
    }

    func testWhatThePatchModelHadToChangeIsInTheEvidence() throws {
        let (patches, whole) = try detectors()
        XCTAssertEqual(patches.scoringNotes(width: 100, height: 70), [])
        let small = patches.judgement(path: "s.png", image: noiseImage(20, 30, seed: 3), evidence: [], pFake: 0.2)
        XCTAssertEqual(small.evidence.map(\.source), ["discern:patches"])
        XCTAssertTrue(small.evidence[0].value.contains("resized to 32"), small.evidence[0].value)
        // Too small for native patches: UNSURE whatever the score, with the reason; generator metadata still decides.
        XCTAssertEqual(small.verdict, .unsure)
        XCTAssertEqual(small.reason, Detector.tooSmallReason(side: 32))
        XCTAssertEqual(patches.judgement(path: "s.png", image: noiseImage(20, 30, seed: 3), evidence: [], pFake: 0.99).verdict, .unsure)
        let generator = Evidence(source: "png:parameters", value: "Steps: 20", indicates: .aiGenerated)
        XCTAssertEqual(patches.judgement(path: "s.png", image: noiseImage(20, 30, seed: 3), evidence: [generator], pFake: 0.2).verdict, .fake)
        XCTAssertEqual(patches.judgement(path: "b.png", image: noiseImage(100, 70, seed: 3), evidence: [], pFake: 0.2).verdict, .real)
        XCTAssertEqual(whole.judgement(path: "s.png", image: noiseImage(20, 30, seed: 3), evidence: [], pFake: 0.2).verdict, .real)
        let budget = try detectors(pixelBudget: 2_000).patches
        let notes = budget.scoringNotes(width: 100, height: 70)
        XCTAssertEqual(notes.count, 1)
        XCTAssertTrue(notes[0].value.contains("shrunk 1/2"), notes[0].value)
        XCTAssertEqual(budget.plan(width: 100, height: 70).count, 4, "50 x 35 after shrinking: 2 x 2 patches")
        XCTAssertEqual(budget.probabilities([noiseImage(100, 70, seed: 1)])[0].count, 2, "a shrunk image is still scored")
        XCTAssertEqual(whole.scoringNotes(width: 20, height: 30), [], "whole-image models resize by design")
    }
}
