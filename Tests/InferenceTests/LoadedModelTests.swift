import Foundation
import Inference
import Models
import NN
import Tensor
import TestSupport
import XCTest

/// Checkpoints of every generation load: a legacy `discern demo` file (no `format`, the size only in
/// `preprocessing`), a current one, and a newer format is refused with a message that names it.
final class LoadedModelTests: XCTestCase {
    func testLegacyCurrentAndNewerCheckpoints() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loaded-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try ModelFactory.make("cnn-small", classes: 2, inputSize: 32, seed: 4)
        // What `discern demo --save` wrote before the metadata was typed.
        let legacy = dir.appendingPathComponent("legacy.safetensors")
        try Checkpoint.save(model, metadata: ["architecture": "cnn-small", "classes": "REAL,FAKE", "seed": "0", "epochs": "8",
                                              "preprocessing": #"{"layout":"NHWC","size":[32,32],"channels":"RGB","scale":"x/255"}"#], to: legacy)
        let old = try LoadedModel(legacy)
        XCTAssertEqual(old.inputSize, 32)
        XCTAssertEqual(old.classes.names, ["REAL", "FAKE"])
        XCTAssertNil(old.metadata.format)
        XCTAssertEqual(old.metadata.epochs, 8)

        var current = CheckpointMetadata(architecture: "cnn-small", classes: ["REAL", "FAKE"], inputSize: 32)
        current.temperature = 1.25
        let now = dir.appendingPathComponent("current.safetensors")
        try Checkpoint.save(model, metadata: current, to: now)
        let loaded = try LoadedModel(now)
        XCTAssertEqual(loaded.metadata, current)
        XCTAssertEqual(loaded.temperature, 1.25)
        let x = randomTensor([2, 32, 32, 3], seed: 3, range: 0...1)
        XCTAssertEqual(GradMode.withoutGrad { loaded.model(x) }.scalars, GradMode.withoutGrad { old.model(x) }.scalars, "same weights either way")

        var newer = current.map
        newer["format"] = "discern-checkpoint-2"
        let future = dir.appendingPathComponent("future.safetensors")
        try Checkpoint.save(model, metadata: newer, to: future)
        XCTAssertThrowsError(try LoadedModel(future)) {
            XCTAssertTrue("\($0)".contains("checkpoint format 'discern-checkpoint-2'"), "\($0)")
        }
    }
}
