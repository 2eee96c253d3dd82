import NN
import Tensor
import XCTest

/// `WeightAveraging.mean`: the weighted element-wise mean of checkpoints of one architecture, optimizer state and
/// run/calibration metadata dropped, and one-line refusals for checkpoints that are not the same network.
final class WeightAveragingTests: XCTestCase {
    private let meta = ["architecture": "cnn-small", "classes": "REAL,FAKE", "input_size": "32", "temperature": "1.3",
                        "unsure_band": "0.4,0.6", "epoch": "3", "blas_core": "SkylakeX", "format": "discern-checkpoint-1"]

    private func member(_ path: String, _ w: [Float], _ b: [Float], metadata: [String: String]? = nil)
        -> (path: String, tensors: [String: Tensor], metadata: [String: String]) {
        (path, ["conv.weight": Tensor(shape: [2, 2], scalars: w), "conv.bias": Tensor(shape: [2], scalars: b),
                "optimizer/m.conv.weight": Tensor(shape: [2, 2], scalars: w)], metadata ?? meta)
    }

    func testUniformAndWeightedMeans() throws {
        let a = member("a", [1, 2, 3, 4], [0.5, -1]), b = member("b", [3, 6, -3, 0], [1.5, 1]), c = member("c", [2, 2, 0, 8], [1, 3])
        let uniform = try WeightAveraging.mean([a, b, c])
        XCTAssertEqual(Set(uniform.tensors.keys), ["conv.weight", "conv.bias"], "optimizer state is dropped")
        XCTAssertEqual(uniform.tensors["conv.weight"]!.scalars, [2, 10 / 3, 0, 4])
        XCTAssertEqual(uniform.tensors["conv.bias"]!.scalars, [1, 1])
        XCTAssertEqual(uniform.tensors["conv.weight"]!.shape, [2, 2])
        let weighted = try WeightAveraging.mean([a, b, c], weights: [3, 1, 0])
        XCTAssertEqual(weighted.tensors["conv.weight"]!.scalars, [1.5, 3, 1.5, 3])
        XCTAssertEqual(weighted.tensors["conv.bias"]!.scalars, [0.75, -0.5])
        // Calibration and the run's state describe one member, not the average; the network's description stays.
        XCTAssertNil(uniform.metadata["temperature"])
        XCTAssertNil(uniform.metadata["unsure_band"])
        XCTAssertNil(uniform.metadata["epoch"])
        XCTAssertNil(uniform.metadata["blas_core"])
        XCTAssertEqual(uniform.metadata["architecture"], "cnn-small")
        XCTAssertEqual(uniform.metadata["input_size"], "32")
        XCTAssertEqual(uniform.metadata["format"], "discern-checkpoint-1")
    }

    func testACheckpointAveragedWithItselfIsUnchangedBitForBit() throws {
        let values: [Float] = [0.1, -3.7e-8, 1e30, 0.3333333]
        let a = member("a", values, [Float.leastNormalMagnitude, 7])
        let soup = try WeightAveraging.mean([a, a, a])
        XCTAssertEqual(soup.tensors["conv.weight"]!.scalars, values)
        XCTAssertEqual(soup.tensors["conv.bias"]!.scalars, [Float.leastNormalMagnitude, 7])
    }

    func testRefusesCheckpointsOfDifferentNetworks() {
        let a = member("a", [1, 2, 3, 4], [0, 0])
        var other = meta
        other["input_size"] = "64"
        XCTAssertThrowsError(try WeightAveraging.mean([a, member("b", [1, 2, 3, 4], [0, 0], metadata: other)])) {
            XCTAssertEqual($0 as? WeightAveragingError, .differentSetting(path: "b", key: "input_size", expected: "32", found: "64"))
        }
        var swapped = meta
        swapped["classes"] = "FAKE,REAL"
        XCTAssertThrowsError(try WeightAveraging.mean([a, member("s", [1, 2, 3, 4], [0, 0], metadata: swapped)]), "same shapes, opposite labels") {
            XCTAssertEqual($0 as? WeightAveragingError, .differentSetting(path: "s", key: "classes", expected: "REAL,FAKE", found: "FAKE,REAL"))
        }
        var extra = member("c", [1, 2, 3, 4], [0, 0])
        extra.tensors["head.weight"] = Tensor(shape: [1], scalars: [1])
        XCTAssertThrowsError(try WeightAveraging.mean([a, extra])) {
            XCTAssertEqual($0 as? WeightAveragingError, .extraTensor(path: "c", name: "head.weight"))
        }
        XCTAssertThrowsError(try WeightAveraging.mean([extra, a])) {
            XCTAssertEqual($0 as? WeightAveragingError, .missingTensor(path: "a", name: "head.weight"))
        }
        var features = member("f", [1, 2, 3, 4], [0, 0])
        features.metadata = ["space": "effnet-lite0-imagenet-pool1280@64"]
        XCTAssertThrowsError(try WeightAveraging.mean([features, features])) {
            XCTAssertEqual($0 as? WeightAveragingError, .notAModel(path: "f"))
        }
        var reshaped = member("d", [1, 2, 3, 4], [0, 0])
        reshaped.tensors["conv.weight"] = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        XCTAssertThrowsError(try WeightAveraging.mean([a, reshaped])) {
            XCTAssertEqual($0 as? WeightAveragingError, .shapeMismatch(path: "d", name: "conv.weight", expected: [2, 2], found: [4]))
        }
        XCTAssertThrowsError(try WeightAveraging.mean([a])) { XCTAssertEqual($0 as? WeightAveragingError, .tooFew) }
        XCTAssertThrowsError(try WeightAveraging.mean([a, a], weights: [1])) {
            XCTAssertEqual($0 as? WeightAveragingError, .weightCount(expected: 2, found: 1))
        }
        XCTAssertThrowsError(try WeightAveraging.mean([a, a], weights: [0, 0])) { XCTAssertEqual($0 as? WeightAveragingError, .badWeights) }
        XCTAssertThrowsError(try WeightAveraging.mean([a, a], weights: [2, -1])) { XCTAssertEqual($0 as? WeightAveragingError, .badWeights) }
        XCTAssertThrowsError(try WeightAveraging.mean([a, a], weights: [1, .infinity])) { XCTAssertEqual($0 as? WeightAveragingError, .badWeights) }
        XCTAssertThrowsError(try WeightAveraging.mean([a, a], weights: [1, .nan])) { XCTAssertEqual($0 as? WeightAveragingError, .badWeights) }
    }
}
