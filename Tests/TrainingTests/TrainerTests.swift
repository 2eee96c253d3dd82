import Data
import Imaging
import Models
import NN
import Foundation
import Tensor
import TestSupport
import Training
import XCTest

/// Training on the 64 sample images: the run folder's contents, and exact resume.
final class TrainerTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-train-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func config(_ name: String, epochs: Int, model: String = "model2") -> TrainConfig {
        var c = TrainConfig()
        c.model = model
        c.data = [sharedDataURL("cifake/sample").path]
        c.valFraction = 0.25
        c.epochs = epochs
        c.batch = 16
        c.lr = 2e-3
        c.schedule = .oneCycle
        c.augment = "hflip,crop:2"
        c.seed = 11
        c.out = dir.appendingPathComponent(name).path
        return c
    }

    private func weights(_ run: String) throws -> [String: [Float]] {
        let (tensors, _) = try NN.Safetensors.read(dir.appendingPathComponent(run).appendingPathComponent("last.safetensors"))
        return tensors.mapValues(\.scalars)
    }

    func testRunFolderHoldsConfigMetricsAndCheckpoints() throws {
        let records = try Trainer(config: config("a", epochs: 2)).run()
        XCTAssertEqual(records.map(\.epoch), [1, 2])
        let run = dir.appendingPathComponent("a")
        for f in ["config.json", "metrics.jsonl", "metrics.csv", "last.safetensors", "best.safetensors", "curves.png", "curves.svg", "examples.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent(f).path), f)
        }
        let png = try Data(contentsOf: run.appendingPathComponent("curves.png"))
        XCTAssertTrue(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 5000, "a real PNG with content")
        let svg = try String(contentsOf: run.appendingPathComponent("curves.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("<svg") && svg.contains("</svg>"))
        let examples = try Imaging.ImageDecoder.read(run.appendingPathComponent("examples.png"))
        XCTAssertGreaterThan(examples.width, 500)
        let csv = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 3)
        XCTAssertTrue(csv[0].hasPrefix("epoch,train_loss"))
        XCTAssertTrue(records.allSatisfy { $0.trainLoss.isFinite && $0.valAccuracy >= 0 && $0.valAccuracy <= 1 })
    }

    /// Two epochs in one go equal one epoch, a resume, and one more — bit for bit (dropout, BN,
    /// augmentation, one-cycle schedule and Adam state included).
    func testResumeContinuesBitForBit() throws {
        try Trainer(config: config("straight", epochs: 2)).run()
        let first = config("split", epochs: 2)
        // Stop after the first epoch, as a signal would.
        let observer = StopAfterEpoch()
        let stopping = try Trainer(config: first, observer: observer)
        observer.flag = stopping.stop
        XCTAssertEqual(try stopping.run().count, 1)
        let resumed = try Trainer(config: first).run(resume: true)
        XCTAssertEqual(resumed.map(\.epoch), [1, 2])
        let a = try weights("straight"), b = try weights("split")
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        for (k, v) in a where !k.hasPrefix("optimizer/") { XCTAssertEqual(v, b[k], k) }
        XCTAssertEqual(a["optimizer/step"], b["optimizer/step"])
    }

    func testMidEpochInterruptResumesExactly() throws {
        try Trainer(config: config("whole", epochs: 1, model: "cnn")).run()
        let c = config("cut", epochs: 1, model: "cnn")
        let observer = StopAfterBatch(1)
        let t = try Trainer(config: c, observer: observer)
        observer.flag = t.stop
        // The interrupt must fire inside the epoch: no epoch finished, and last.safetensors holds batch 1 of epoch 0.
        XCTAssertEqual(try t.run().count, 0, "the run stopped before finishing its epoch")
        XCTAssertEqual(observer.interruptedAt?.epoch, 1)
        XCTAssertEqual(observer.interruptedAt?.batch, 1)
        let (_, cutMeta) = try NN.Safetensors.read(dir.appendingPathComponent("cut/last.safetensors"))
        XCTAssertEqual(cutMeta["epoch"], "0")
        XCTAssertEqual(cutMeta["batch"], "1")
        let whole = try weights("whole"), atCut = try weights("cut")
        XCTAssertNotEqual(whole["optimizer/step"], atCut["optimizer/step"], "the cut run saved before the whole epoch")
        let resumed = try Trainer(config: c).run(resume: true)
        XCTAssertEqual(resumed.map(\.epoch), [1])
        let a = try weights("whole"), b = try weights("cut")
        for (k, v) in a where !k.hasPrefix("optimizer/") { XCTAssertEqual(v, b[k], k) }
        XCTAssertEqual(a["optimizer/step"], b["optimizer/step"])
    }

    /// A shard damaged between two runs stops the resumed run before any step: the error names the shard and the
    /// member it cut, and `last.safetensors` keeps its bytes (issue #30, data safety).
    func testCorruptShardStopsWithItsMemberAndKeepsTheCheckpoint() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let shard = dir.appendingPathComponent("train.tar")
        var writer = TarWriter()
        let sample = sharedDataURL("cifake/sample")
        var names: [String] = []
        for label in ["REAL", "FAKE"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: sample.appendingPathComponent(label).path).sorted() {
                try writer.add(name: "\(label)/\(name)", data: Data(contentsOf: sample.appendingPathComponent("\(label)/\(name)")))
                names.append("\(label)/\(name)")
            }
        }
        let tar = writer.finished()
        try tar.write(to: shard)
        var c = config("shard", epochs: 2, model: "cnn")
        c.data = [shard.path]
        c.epochs = 1
        try Trainer(config: c).run()
        let last = dir.appendingPathComponent("shard/last.safetensors")
        let before = try Data(contentsOf: last)
        // Keep the archive up to the middle of member 40 (stored: every member is a 512-byte header plus its data).
        let cut = tar.count / 2
        try tar.prefix(cut).write(to: shard)
        c.epochs = 2
        XCTAssertThrowsError(try Trainer(config: c).run(resume: true)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(shard.path), message)
            XCTAssertTrue(names.contains { message.contains("member \($0)") }, "names the member: \(message)")
            XCTAssertTrue(message.contains("corrupt archive"), message)
        }
        XCTAssertEqual(try Data(contentsOf: last), before, "last.safetensors untouched")
    }

    /// `init_from` starts a fresh run from a checkpoint's weights: with a vanishing learning rate the
    /// trained weights stay those of the checkpoint, while a run without it starts elsewhere.
    func testInitStartsFromTheCheckpointsWeights() throws {
        try Trainer(config: config("source", epochs: 1)).run()
        func still(_ name: String, init source: String?) throws -> [String: [Float]] {
            var c = config(name, epochs: 1)
            c.optimizer = .sgd; c.momentum = 0; c.lr = 1e-12; c.schedule = .constant; c.seed = 12
            c.initFrom = source
            try Trainer(config: c).run()
            return try weights(name)
        }
        let source = try weights("source")
        let warm = try still("warm", init: dir.appendingPathComponent("source/last.safetensors").path)
        let cold = try still("cold", init: nil)
        func maxDiff(_ a: [String: [Float]], _ b: [String: [Float]]) -> Float {
            a.filter { !$0.key.hasPrefix("optimizer/") && !$0.key.contains("running") }.map { k, v in
                zip(v, b[k]!).map { abs($0 - $1) }.max() ?? 0
            }.max() ?? 0
        }
        XCTAssertLessThan(maxDiff(source, warm), 1e-5)
        XCTAssertGreaterThan(maxDiff(source, cold), 1e-2)
        var wrong = config("wrong", epochs: 1, model: "cnn")
        wrong.initFrom = dir.appendingPathComponent("source/last.safetensors").path
        XCTAssertThrowsError(try Trainer(config: wrong).run()) { XCTAssertTrue("\($0)".contains("source/last.safetensors"), "\($0)") }
        wrong.initFrom = dir.appendingPathComponent("missing.safetensors").path
        XCTAssertThrowsError(try Trainer(config: wrong)) { XCTAssertTrue("\($0)".contains("init_from"), "\($0)") }
    }

    /// `bn_recalibrate` leaves training alone (same weights, same training loss) and replaces only the batch-norm
    /// running statistics, with those of the unaugmented training images at the epoch's end; validation sees them.
    func testBatchNormRecalibrationChangesOnlyTheRunningStatistics() throws {
        let plain = try Trainer(config: config("plain", epochs: 1, model: "patchgan")).run()
        var c = config("recal", epochs: 1, model: "patchgan")
        c.bnRecalibrate = 2
        let recal = try Trainer(config: c).run()
        XCTAssertEqual(plain[0].trainLoss, recal[0].trainLoss)
        let a = try weights("plain"), b = try weights("recal")
        let statistics = a.keys.filter { $0.hasSuffix("runningMean") || $0.hasSuffix("runningVar") }
        XCTAssertEqual(statistics.count, 2 * 4, "patchgan has four batch norms")
        for (k, v) in a where !k.hasPrefix("optimizer/") && !statistics.contains(k) { XCTAssertEqual(v, b[k], k) }
        for k in statistics { XCTAssertNotEqual(a[k], b[k], k) }
        // The same statistics, computed from the plain run's weights and the 2 batches the trainer used.
        let (train, _) = try Trainer(config: c).loadData()
        let model = try ModelFactory.make("patchgan", classes: 2, inputSize: 32, seed: 11)
        try Checkpoint.load(into: model, from: dir.appendingPathComponent("plain/last.safetensors"))
        let loader = BatchLoader(dataset: train, batchSize: 16, shuffle: true, seed: 11)
        let order = loader.order(epoch: 0)
        model.recalibrateBatchNorm((0..<2).map { loader.makeBatch(order, batch: $0, epoch: 0).images })
        for (name, tensor) in model.namedTensors() where statistics.contains(name) {
            XCTAssertEqual(tensor.scalars, b[name], name)
        }
        XCTAssertNotEqual(plain[0].valLoss, recal[0].valLoss, "validation ran on the recalibrated statistics")
    }

    /// `splitSeed` fixes the held-out images independently of `seed`: seed 12 with split seed 11 holds out exactly seed
    /// 11's images (and writes the same val.jsonl), seed 12 alone holds out others.
    func testSplitSeedKeepsTheValidationImagesAcrossSeeds() throws {
        func held(_ seed: UInt64, split: UInt64?) throws -> (paths: Set<String>, manifest: String) {
            var c = config("split-\(seed)-\(split.map(String.init) ?? "none")", epochs: 1)
            c.seed = seed
            c.splitSeed = split
            let (train, val) = try Trainer(config: c).loadData()
            XCTAssertEqual(train.count + val.count, 64)
            let manifest = try String(contentsOf: URL(fileURLWithPath: c.out).appendingPathComponent("val.jsonl"), encoding: .utf8)
            return (Set(val.items.map(\.path)), manifest)
        }
        let base = try held(11, split: nil), same = try held(12, split: 11), other = try held(12, split: nil)
        XCTAssertEqual(base.paths.count, 16)
        XCTAssertEqual(same.paths, base.paths)
        XCTAssertEqual(same.manifest, base.manifest)
        XCTAssertNotEqual(other.paths, base.paths)
        var c = TrainConfig()
        c.splitSeed = 7
        let decoded = try JSONDecoder().decode(TrainConfig.self, from: JSONEncoder().encode(c))
        XCTAssertEqual(decoded.splitSeed, 7)
        XCTAssertNil(try JSONDecoder().decode(TrainConfig.self, from: Data("{}".utf8)).splitSeed)
    }

    /// Sample images plus 16 edited copies of its REAL photos (folder `edited/EDITED`) and their edit log.
    private func editedSample() throws -> (data: [String], log: String) {
        let real = try DecodedDataset.load(DatasetSource(paths: [sharedDataURL("cifake/sample/REAL").path]))
        let photos = real.items.indices.map { (name: real.items[$0].path, image: real.image($0)) }
        let edited = try EditedSetMaker.make(photos, count: 16, seed: 5)
        let folder = dir.appendingPathComponent("edited")
        try ShardWriter.writeLabelled(edited.map { (name: $0.name, data: $0.jpeg) }, label: "EDITED", group: "edit", to: folder.path)
        let log = edited.map {
            #"{"name":"\#($0.name)","x":\#($0.region.x),"y":\#($0.region.y),"width":\#($0.region.width),"height":\#($0.region.height),"image_width":32,"image_height":32}"#
        }
        let logURL = dir.appendingPathComponent("edited.jsonl")
        try log.joined(separator: "\n").write(to: logURL, atomically: true, encoding: .utf8)
        return ([sharedDataURL("cifake/sample").path, folder.path], logURL.path)
    }

    private func regionConfig(_ name: String, epochs: Int, data: [String], log: String, weight: Double = 1) -> TrainConfig {
        var c = config(name, epochs: epochs, model: "effnet-lite0")
        c.data = data
        c.inputSize = 32
        c.regionLoss = weight
        c.editLogs = [log]
        return c
    }

    /// The region loss trains a head beside the model: it changes the weights the classifier gets, it is kept in
    /// `last` (and a resumed run continues bit for bit, head included), and `best` is a plain classifier.
    func testRegionLossTrainsAHeadKeptOnlyForResuming() throws {
        let (data, log) = try editedSample()
        try Trainer(config: regionConfig("straight", epochs: 2, data: data, log: log)).run()
        let cut = regionConfig("split", epochs: 2, data: data, log: log)
        let observer = StopAfterEpoch()
        let stopping = try Trainer(config: cut, observer: observer)
        observer.flag = stopping.stop
        XCTAssertEqual(try stopping.run().count, 1)
        try Trainer(config: cut).run(resume: true)
        let a = try weights("straight"), b = try weights("split")
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        for (k, v) in a { XCTAssertEqual(v, b[k], k) }
        XCTAssertEqual(a["auxiliary/region_head.weight"]?.count, 3 * 3 * 112)
        XCTAssertTrue(a.keys.contains { $0.hasPrefix("optimizer/") && $0.hasSuffix("/auxiliary/region_head.weight") }, "the head is optimised")

        let best = try NN.Safetensors.read(dir.appendingPathComponent("straight/best.safetensors")).tensors
        XCTAssertFalse(best.keys.contains { $0.hasPrefix("auxiliary/") || $0.hasPrefix("optimizer/") })
        let model = try ModelFactory.make("effnet-lite0", classes: 3, inputSize: 32, seed: 1)
        try Checkpoint.load(into: model, tensors: best)
        // `last` loads into the plain model too (evaluate, soup, export and --init read it so), the head set aside.
        let (_, extra) = try Checkpoint.load(into: model, from: dir.appendingPathComponent("straight/last.safetensors"))
        XCTAssertEqual(Set(extra.keys.filter { $0.hasPrefix("auxiliary/") }), ["auxiliary/region_head.weight", "auxiliary/region_head.bias"])
        let lastTensors = try NN.Safetensors.read(dir.appendingPathComponent("straight/last.safetensors")).tensors
        XCTAssertEqual(Set(Checkpoint.modelTensors(lastTensors).keys), Set(best.keys))

        // Without the region term (weight 0) the same run ends elsewhere.
        var off = regionConfig("off", epochs: 2, data: data, log: log)
        off.regionLoss = 0
        off.editLogs = []
        try Trainer(config: off).run()
        let c = try weights("off")
        XCTAssertNil(c["auxiliary/region_head.weight"])
        let moved = a.filter { $0.key.hasPrefix("blocks.") }.map { k, v in zip(v, c[k]!).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
        XCTAssertGreaterThan(moved, 1e-4)

        // At region stride 8 the head reads stage 2's 40 channels (a 4x4 grid at this 32x32 input) and
        // trains the backbone to another place than at stride 16.
        var fine = regionConfig("fine", epochs: 2, data: data, log: log)
        fine.regionStride = 8
        try Trainer(config: fine).run()
        let f = try weights("fine")
        XCTAssertEqual(f["auxiliary/region_head.weight"]?.count, 3 * 3 * 40)
        let apart = a.filter { $0.key.hasPrefix("blocks.") }.map { k, v in zip(v, f[k]!).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
        XCTAssertGreaterThan(apart, 1e-4)
        // The stride is in the run's config.json, and resuming with another one says so instead of failing on a shape.
        let saved = try JSONDecoder().decode(TrainConfig.self, from: Data(contentsOf: dir.appendingPathComponent("fine/config.json")))
        XCTAssertEqual(saved.regionStride, 8)
        XCTAssertNil(try JSONDecoder().decode(TrainConfig.self, from: Data(#"{"data":["x"]}"#.utf8)).regionStride)
        var changed = fine
        changed.epochs = 3
        changed.regionStride = 16
        XCTAssertThrowsError(try Trainer(config: changed).run(resume: true)) {
            XCTAssertTrue("\($0)".contains("region head on 40 channels, this run's reads 112 (was region_stride changed?)"), "\($0)")
        }
    }

    /// Logged names that match no image in the data are reported (and training goes on); a log that matches gives
    /// no warning, also when --limit leaves some logged images out of training.
    func testEditLogNamesMissingFromTheDataAreReported() throws {
        let (data, log) = try editedSample()
        let quiet = WarningCollector()
        try Trainer(config: regionConfig("matching", epochs: 1, data: data, log: log), observer: quiet).run()
        XCTAssertEqual(quiet.warnings, [])
        var limited = regionConfig("limited", epochs: 1, data: data, log: log)
        limited.limit = 20  // images left out by --limit are still in the data: no warning
        let stillQuiet = WarningCollector()
        try Trainer(config: limited, observer: stillQuiet).run()
        XCTAssertEqual(stillQuiet.warnings, [])
        let stray = dir.appendingPathComponent("stray.jsonl")
        try (String(contentsOfFile: log, encoding: .utf8)
             + "\n" + #"{"name":"not-in-the-data.jpg","x":0,"y":0,"width":8,"height":8,"image_width":32,"image_height":32}"#)
            .write(to: stray, atomically: true, encoding: .utf8)
        let loud = WarningCollector()
        try Trainer(config: regionConfig("stray", epochs: 1, data: data, log: stray.path), observer: loud).run()
        XCTAssertEqual(loud.warnings.count, 1)
        XCTAssertTrue(loud.warnings.first?.hasPrefix("1 of 17 names in the edit logs match no image in the data (e.g. not-in-the-data.jpg)") == true,
                      "\(loud.warnings)")
    }

    /// Fresh edits (with or without the region loss) change what the model is trained on, resume bit for bit, are kept
    /// in config.json, and name what is missing: the edit logs, or the source photos in the data.
    func testFreshEditsTrainOnNewEditsOfTheSourcePhotos() throws {
        let (data, log) = try editedSample()
        var plain = config("plain", epochs: 2)
        plain.data = data
        try Trainer(config: plain).run()
        var fresh = plain
        fresh.out = dir.appendingPathComponent("fresh").path
        fresh.freshEdits = true
        fresh.editLogs = [log]
        let quiet = WarningCollector()
        try Trainer(config: fresh, observer: quiet).run()
        XCTAssertEqual(quiet.warnings, [], "every edited image's source photo is in the data")
        let a = try weights("plain"), b = try weights("fresh")
        XCTAssertGreaterThan(a.map { k, v in zip(v, b[k]!).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0, 1e-4, "other training images")
        let saved = try JSONDecoder().decode(TrainConfig.self, from: Data(contentsOf: dir.appendingPathComponent("fresh/config.json")))
        XCTAssertTrue(saved.freshEdits)
        XCTAssertFalse(try JSONDecoder().decode(TrainConfig.self, from: Data(#"{"data":["x"]}"#.utf8)).freshEdits)

        var region = regionConfig("region-straight", epochs: 2, data: data, log: log)
        region.freshEdits = true
        try Trainer(config: region).run()
        var cut = region
        cut.out = dir.appendingPathComponent("region-split").path
        let observer = StopAfterBatch(2)  // mid-epoch: the resumed run re-makes the rest of epoch 1's fresh edits
        let stopping = try Trainer(config: cut, observer: observer)
        observer.flag = stopping.stop
        XCTAssertEqual(try stopping.run().count, 0)
        try Trainer(config: cut).run(resume: true)
        let straight = try weights("region-straight"), split = try weights("region-split")
        for (k, v) in straight { XCTAssertEqual(v, split[k], k) }

        fresh.editLogs = []
        XCTAssertThrowsError(try fresh.validate()) { XCTAssertTrue("\($0)".contains("fresh_edits needs"), "\($0)") }
        var sourceless = plain
        sourceless.data = [data[1], sharedDataURL("cifake/sample/FAKE").path]
        sourceless.editLogs = [log]
        sourceless.freshEdits = true
        XCTAssertThrowsError(try Trainer(config: sourceless).run()) {
            XCTAssertTrue("\($0)".contains("fresh_edits: 0 of the edited training images' source photos"), "\($0)")
        }
    }

    func testRegionLossNeedsAnEfficientNetAndMatchingLogs() throws {
        let (data, log) = try editedSample()
        var c = regionConfig("x", epochs: 1, data: data, log: log)
        c.editLogs = []
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("edit_logs"), "\($0)") }
        c = regionConfig("x", epochs: 1, data: data, log: log)
        c.model = "model2"
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("region_loss"), "\($0)") }
        c = regionConfig("x", epochs: 1, data: data, log: log)
        c.inputSize = 40
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("multiple of 16"), "\($0)") }  // before decoding
        c.model = "effnet-lite0-s1"  // a stride-1 stem puts the grid at stride 8: 40 fits, 36 does not
        XCTAssertEqual(try c.validate().count, 16, "validation returns the log's rectangles")
        c.inputSize = 36
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("multiple of 8"), "\($0)") }
        c = regionConfig("x", epochs: 1, data: data, log: log, weight: 0)
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("--region-loss"), "\($0)") }
        // The grid's stride: 8 or 16 with the standard stem (4 or 8 with a stride-1 one); the input a multiple of it.
        c = regionConfig("x", epochs: 1, data: data, log: log)
        c.regionStride = 8
        c.inputSize = 40
        XCTAssertEqual(try c.validate().count, 16)
        c.regionStride = 32
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("region_stride must be 8 or 16 for effnet-lite0, not 32"), "\($0)") }
        c.model = "effnet-lite0-s1"
        c.regionStride = 4
        c.inputSize = 36
        XCTAssertEqual(try c.validate().count, 16)
        c.regionStride = 16
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("must be 4 or 8"), "\($0)") }
        c = regionConfig("x", epochs: 1, data: data, log: log, weight: 0)
        c.editLogs = []
        c.regionStride = 8
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("region_stride is read only by region_loss"), "\($0)") }
        c = regionConfig("x", epochs: 1, data: [sharedDataURL("cifake/sample").path], log: log)
        XCTAssertThrowsError(try Trainer(config: c).run()) { XCTAssertTrue("\($0)".contains("no training image"), "\($0)") }
        c = regionConfig("x", epochs: 1, data: data, log: dir.appendingPathComponent("missing.jsonl").path)
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("edit log not found"), "\($0)") }
    }

    func testBadConfigsAreRejectedWithTheirField() {
        // A config file's unknown optimizer or schedule is an error naming the field and the choices.
        for (key, choices) in [("optimizer", "adam, adamw, adamax or sgd"), ("schedule", "constant, cosine, one-cycle or step")] {
            XCTAssertThrowsError(try JSONDecoder().decode(TrainConfig.self, from: Data("{\"\(key)\": \"rmsprop\"}".utf8))) {
                XCTAssertEqual("\($0)", "invalid training configuration: \(key) must be \(choices), not 'rmsprop'")
            }
        }
        XCTAssertEqual(try JSONDecoder().decode(TrainConfig.self, from: Data(#"{"optimizer": "adamw", "schedule": "one-cycle"}"#.utf8)).schedule, .oneCycle)
        var c = config("x", epochs: 0)
        XCTAssertThrowsError(try Trainer(config: c)) { XCTAssertTrue("\($0)".contains("epochs")) }
        c = config("x", epochs: 1)
        c.dropPath = 0.2  // the config's model is not an EfficientNet
        XCTAssertThrowsError(try Trainer(config: c)) { XCTAssertTrue("\($0)".contains("drop_path"), "\($0)") }
        c.model = "effnet-lite0"
        c.freezeBackbone = true
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("drop_path"), "\($0)") }
        c.dropPath = 0
        c.bnRecalibrate = 4
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("bn_recalibrate"), "\($0)") }
        c.freezeBackbone = false
        c.bnRecalibrate = -1
        XCTAssertThrowsError(try c.validate()) { XCTAssertTrue("\($0)".contains("bn_recalibrate"), "\($0)") }
        c = config("x", epochs: 1, model: "cnn")
        c.bnRecalibrate = 2
        XCTAssertThrowsError(try Trainer(config: c).run()) { XCTAssertTrue("\($0)".contains("has no batch norm"), "\($0)") }
    }
}

/// Keeps the trainer's warnings.
final class WarningCollector: TrainingObserver {
    var warnings: [String] = []
    func dataLoaded(train: Int, val: Int, classes: [String], failures: [(path: String, error: String)]) {}
    func epochStarted(_ epoch: Int, of epochs: Int, batches: Int) {}
    func batchFinished(_ batch: Int, loss: Double, accuracy: Double, precision: Double, recall: Double) {}
    func epochFinished(_ record: EpochRecord, best: Bool) {}
    func interrupted(epoch: Int, batch: Int) {}
    func warning(_ message: String) { warnings.append(message) }
}

/// Requests a stop when the first epoch ends.
final class StopAfterEpoch: TrainingObserver {
    var flag = StopFlag()
    func dataLoaded(train: Int, val: Int, classes: [String], failures: [(path: String, error: String)]) {}
    func epochStarted(_ epoch: Int, of epochs: Int, batches: Int) {}
    func batchFinished(_ batch: Int, loss: Double, accuracy: Double, precision: Double, recall: Double) {}
    func epochFinished(_ record: EpochRecord, best: Bool) { flag.set() }
    func interrupted(epoch: Int, batch: Int) {}
}

/// Requests a stop after `n` batches.
final class StopAfterBatch: TrainingObserver {
    var flag = StopFlag()
    let n: Int
    init(_ n: Int) { self.n = n }
    func dataLoaded(train: Int, val: Int, classes: [String], failures: [(path: String, error: String)]) {}
    func epochStarted(_ epoch: Int, of epochs: Int, batches: Int) {}
    func batchFinished(_ batch: Int, loss: Double, accuracy: Double, precision: Double, recall: Double) { if batch >= n { flag.set() } }
    func epochFinished(_ record: EpochRecord, best: Bool) {}
    private(set) var interruptedAt: (epoch: Int, batch: Int)?
    func interrupted(epoch: Int, batch: Int) { interruptedAt = (epoch, batch) }
}
