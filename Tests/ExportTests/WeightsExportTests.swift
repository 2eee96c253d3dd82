import Export
import Foundation
import NN
import Tensor
import XCTest

/// `WeightsExport`, the library side of `discern export --format safetensors`.
final class WeightsExportTests: XCTestCase {
    /// A router with a familiarity reference and optimizer state: the export keeps the weights and the small model
    /// (beside it, renamed), and leaves out the optimizer state and the familiarity rule.
    func testKeepsWeightsAndSmallModelLeavesDetectorData() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("weights-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = ["format": "discern-checkpoint-1", "architecture": "cnn", "classes": "REAL,FAKE", "input_size": "32"]
        var routerMeta = base
        (routerMeta["small_input_model"], routerMeta["small_input_max_side"]) = ("r-small.safetensors", "64")
        (routerMeta["familiarity_k"], routerMeta["familiarity_threshold"], routerMeta["familiarity_data"]) = ("2", "0.5", "train")
        try Safetensors.write(["w": Tensor(shape: [1], scalars: [1]), "optimizer/m.w": Tensor(shape: [1], scalars: [2]),
                               "detector/familiarity.reference": Tensor(shape: [2, 2], scalars: [1, 0, 0, 1])],
                              metadata: routerMeta, to: dir.appendingPathComponent("r.safetensors"))
        try Safetensors.write(["v": Tensor(shape: [1], scalars: [5]), "optimizer/m.v": Tensor(shape: [1], scalars: [6])],
                              metadata: base, to: dir.appendingPathComponent("r-small.safetensors"))
        let out = dir.appendingPathComponent("out/e.safetensors")
        let written = try WeightsExport.write(dir.appendingPathComponent("r.safetensors"), to: out)
        XCTAssertEqual(written.tensorCount, 1)
        XCTAssertTrue(written.leftOutFamiliarity)
        XCTAssertEqual(written.smallInputModel, "e-small.safetensors")
        let (tensors, metadata) = try Safetensors.read(out)
        XCTAssertEqual(Array(tensors.keys), ["w"])
        XCTAssertEqual(metadata["small_input_model"], "e-small.safetensors")
        XCTAssertNil(metadata["familiarity_threshold"])
        XCTAssertNil(metadata["familiarity_k"])
        let small = try Safetensors.read(dir.appendingPathComponent("out/e-small.safetensors"))
        XCTAssertEqual(Array(small.tensors.keys), ["v"])
        XCTAssertEqual(small.metadata, base)
    }
}
