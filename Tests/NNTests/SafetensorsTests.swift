import Foundation
import NN
import Tensor
import TestSupport
import XCTest

final class SafetensorsTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("discern-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testRoundTripKeepsNamesShapesValuesAndMetadata() throws {
        let url = dir.appendingPathComponent("a.safetensors")
        let tensors = ["features.0.weight": randomTensor([3, 3, 2, 4], seed: 1), "head.bias": Tensor(shape: [2], scalars: [0.5, -1])]
        try Safetensors.write(tensors, metadata: ["architecture": "cnn"], to: url)
        let (back, meta) = try Safetensors.read(url)
        XCTAssertEqual(meta, ["architecture": "cnn"])
        XCTAssertEqual(Set(back.keys), Set(tensors.keys))
        for (k, t) in tensors {
            XCTAssertEqual(back[k]?.shape, t.shape)
            XCTAssertEqual(back[k]?.scalars, t.scalars)
        }
        // Data section is 8-byte aligned.
        let data = try Data(contentsOf: url)
        let n = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual((8 + n) % 8, 0)
    }

    func testMalformedFilesGiveClearErrors() throws {
        let good = try Safetensors.encode(["w": Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])])
        func header(_ json: String, body: Int = 16) -> Data {
            var d = Data()
            withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { d.append(contentsOf: $0) }
            d.append(json.data(using: .utf8)!)
            d.append(Data(count: body))
            return d
        }
        let cases: [(String, Data, (SafetensorsError) -> Bool)] = [
            ("empty", Data(), { if case .truncated = $0 { return true }; return false }),
            ("truncated data", good.prefix(good.count - 3), { if case .truncated = $0 { return true }; return false }),
            ("header longer than file", good.prefix(12), { if case .truncated = $0 { return true }; return false }),
            ("bad json", header("{not json"), { if case .badHeader = $0 { return true }; return false }),
            ("huge header length", Data([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), { if case .badHeader = $0 { return true }; return false }),
            ("wrong dtype", header(#"{"w":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]}}"#), { if case .unsupportedDType = $0 { return true }; return false }),
            ("shape vs bytes", header(#"{"w":{"dtype":"F32","shape":[3,2],"data_offsets":[0,16]}}"#), { if case .badTensor = $0 { return true }; return false }),
            ("negative shape", header(#"{"w":{"dtype":"F32","shape":[-1,2],"data_offsets":[0,16]}}"#), { if case .badTensor = $0 { return true }; return false }),
            ("offsets past end", header(#"{"w":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}"#), { if case .truncated = $0 { return true }; return false }),
            ("missing fields", header(#"{"w":{"dtype":"F32"}}"#), { if case .badTensor = $0 { return true }; return false }),
            ("metadata not strings", header(#"{"__metadata__":{"a":1}}"#), { if case .badHeader = $0 { return true }; return false }),
        ]
        for (name, data, matches) in cases {
            XCTAssertThrowsError(try Safetensors.decode(data, path: name), name) { error in
                guard let e = error as? SafetensorsError else { return XCTFail("\(name): \(error)") }
                XCTAssertTrue(matches(e), "\(name): got \(e)")
                XCTAssertTrue(e.description.hasPrefix(name), "error names the file: \(e)")
            }
        }
        XCTAssertThrowsError(try Safetensors.read(dir.appendingPathComponent("missing.safetensors")))
    }

    func testCheckpointLoadChecksNamesAndShapes() throws {
        var rng = SplitMix64(seed: 1)
        let a = Sequential([Conv2d(3, 4, kernel: 3, using: &rng), BatchNorm(4), Dense(4, 2, using: &rng)])
        let url = dir.appendingPathComponent("m.safetensors")
        try Checkpoint.save(a, metadata: ["architecture": "test"], to: url)
        var rng2 = SplitMix64(seed: 2)
        let b = Sequential([Conv2d(3, 4, kernel: 3, using: &rng2), BatchNorm(4), Dense(4, 2, using: &rng2)])
        let meta = try Checkpoint.load(into: b, from: url).metadata
        XCTAssertEqual(meta["architecture"], "test")
        for (x, y) in zip(a.namedTensors(), b.namedTensors()) { XCTAssertEqual(x.tensor.scalars, y.tensor.scalars, x.name) }
        let c = Sequential([Conv2d(3, 5, kernel: 3, using: &rng2), BatchNorm(5), Dense(5, 2, using: &rng2)])
        XCTAssertThrowsError(try Checkpoint.load(into: c, from: url)) { error in
            XCTAssertEqual(error as? CheckpointError, .shapeMismatch(path: url.path, name: "layers.0.weight", expected: [3, 3, 3, 5], found: [3, 3, 3, 4]))
        }
    }
}
