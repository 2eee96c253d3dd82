import Foundation
import NN
import Tensor
import XCTest

/// `ModelSoup`, the library side of `discern soup`: the file it writes.
final class ModelSoupTests: XCTestCase {
    func testWritesTheWeightedMeanAndRecordsTheMembers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("soup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let meta = ["format": "discern-checkpoint-1", "architecture": "cnn", "classes": "REAL,FAKE", "input_size": "32", "temperature": "2"]
        let a = dir.appendingPathComponent("a.safetensors").path, b = dir.appendingPathComponent("b.safetensors").path
        try Safetensors.write(["w": Tensor(shape: [2], scalars: [1, 2]), "optimizer/m.w": Tensor(shape: [2], scalars: [9, 9])],
                              metadata: meta, to: URL(fileURLWithPath: a))
        try Safetensors.write(["w": Tensor(shape: [2], scalars: [4, 8])], metadata: meta, to: URL(fileURLWithPath: b))
        let out = dir.appendingPathComponent("soup.safetensors")
        let written = try ModelSoup.write(members: [a, b], weights: [2, 1], to: out)
        let (tensors, metadata) = try Safetensors.read(out)
        XCTAssertEqual(Set(tensors.keys), ["w"])
        XCTAssertEqual(tensors["w"]!.scalars, [2, 4])   // (2 * [1, 2] + [4, 8]) / 3
        XCTAssertEqual(written.tensorCount, 1)
        XCTAssertEqual(metadata["soup_of"], "\(a) \(b)")
        XCTAssertEqual(metadata["soup_weights"], "2.0,1.0")
        XCTAssertNil(metadata["temperature"])   // calibration does not carry over
        XCTAssertEqual(written.metadata.map, metadata)

        var other = meta
        other["input_size"] = "64"
        try Safetensors.write(["w": Tensor(shape: [2], scalars: [4, 8])], metadata: other, to: URL(fileURLWithPath: b))
        XCTAssertThrowsError(try ModelSoup.write(members: [a, b], to: dir.appendingPathComponent("bad.safetensors"))) {
            XCTAssertEqual($0 as? WeightAveragingError, .differentSetting(path: b, key: "input_size", expected: "32", found: "64"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad.safetensors").path))
    }
}
