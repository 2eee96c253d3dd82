import Foundation
import NN
import TestSupport
import XCTest

/// The typed checkpoint metadata: every field survives a round trip through the safetensors map and JSON (sorted
/// keys, same bytes each time), unknown keys are kept, legacy files get the old defaults, and an unknown format
/// or an unreadable value is an error that names it.
final class CheckpointMetadataTests: XCTestCase {
    func full() -> CheckpointMetadata {
        var m = CheckpointMetadata(architecture: "effnet-lite0", classes: ["REAL", "FAKE"], inputSize: 224)
        (m.width, m.depth, m.blasCore) = (16, 3, "Cooperlake")
        m.preprocessing = #"{"layout":"NHWC","channels":"RGB","scale":"x/255","size":224}"#
        m.config = #"{"batch":32,"lr":0.001}"#
        (m.epoch, m.batch, m.bestValAccuracy, m.dropoutStates) = (10, 0, 0.9028571428571428, [15110365934900690976, 7])
        (m.inputMode, m.nativeSize, m.patchAggregation) = ("patches", 384, "mean-logit")
        (m.temperature, m.unsureBand, m.calibrationData) = (1.5931858837741462, 0.44097770424028393...0.5590222957597161, "val.jsonl")
        m.bnRecalibrationData = "train.jsonl"
        (m.soupOf, m.soupWeights) = ("a.safetensors b.safetensors", "1.0,2.0")
        (m.smallInputModel, m.smallInputMaxSide) = ("small.safetensors", 64)
        (m.familiarityK, m.familiarityThreshold, m.familiarityData) = (3, 0.25, "ref | held out: val")
        (m.seed, m.epochs) = (42, 5)
        m.other = ["note": "kept as found"]
        return m
    }

    func testEveryFieldRoundTripsThroughTheMapAndJSON() throws {
        let m = full()
        XCTAssertEqual(try CheckpointMetadata(m.map, path: "x"), m)
        XCTAssertEqual(m.map["unsure_band"], "0.44097770424028393,0.5590222957597161")
        XCTAssertEqual(m.map["dropout_states"], "15110365934900690976,7")
        XCTAssertEqual(m.map["note"], "kept as found")
        XCTAssertEqual(m.map.count, 30, "one key per field (29), plus the unknown one")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = try encoder.encode(m)
        XCTAssertEqual(try encoder.encode(JSONDecoder().decode(CheckpointMetadata.self, from: bytes)), bytes, "same bytes after a round trip")
        let text = String(decoding: bytes, as: UTF8.self)
        let positions = ["architecture", "batch", "best_val_accuracy", "classes", "format", "input_size", "note", "unsure_band"]
            .map { try? XCTUnwrap(text.range(of: "\"\($0)\":\"")?.lowerBound) }
        XCTAssertEqual(positions, positions.sorted { ($0 ?? text.endIndex) < ($1 ?? text.endIndex) }, "keys in sorted order")
        XCTAssertFalse(positions.contains(nil))
        // An empty dropout list (a model without dropout) stays present and empty.
        var none = m
        none.dropoutStates = []
        XCTAssertEqual(none.map["dropout_states"], "")
        XCTAssertEqual(try CheckpointMetadata(none.map, path: "x").dropoutStates, [])
    }

    /// The shipped detectors (format 1, written by earlier sessions) read with every value, and rewrite to the same map.
    func testShippedCheckpointsReadAndRewriteUnchanged() throws {
        for name in ["default-detector", "default-detector-small"] {
            let url = repositoryURL("Sources/discern/Resources/\(name).safetensors")
            let map = try Safetensors.read(url).metadata
            let m = try CheckpointMetadata(map, path: url.path)
            XCTAssertEqual(m.format, CheckpointMetadata.currentFormat)
            XCTAssertEqual(m.architecture, "effnet-lite0")
            XCTAssertEqual(m.classes, ["REAL", "FAKE"])
            XCTAssertNotNil(m.temperature)
            XCTAssertNotNil(m.unsureBand)
            XCTAssertTrue(m.other.isEmpty, "\(name): unknown keys \(m.other.keys.sorted())")
            XCTAssertEqual(m.map, map, "\(name): rewritten byte for byte")
        }
    }

    /// An old checkpoint (no `format`, the size only in `preprocessing`, as `discern demo` wrote them) still loads.
    func testLegacyCheckpointGetsTheOldDefaults() throws {
        let demo = try CheckpointMetadata(["architecture": "cnn-small", "classes": "REAL,FAKE", "seed": "7", "epochs": "3",
                                           "preprocessing": #"{"layout":"NHWC","size":[32,32],"channels":"RGB","scale":"x/255"}"#], path: "demo")
        XCTAssertNil(demo.format)
        XCTAssertEqual(demo.inputSize, 32)
        XCTAssertEqual(demo.seed, 7)
        let bare = try CheckpointMetadata(["architecture": "cnn", "preprocessing": #"{"size":64}"#], path: "bare")
        XCTAssertEqual(bare.classes, ["REAL", "FAKE"])
        XCTAssertEqual(bare.inputSize, 64)
        XCTAssertEqual(try CheckpointMetadata(["architecture": "cnn"], path: "b").inputSize, 32)
    }

    func testUnknownFormatMissingAndBadValuesAreNamed() {
        let base = full().map
        var newer = base
        newer["format"] = "discern-checkpoint-2"
        XCTAssertThrowsError(try CheckpointMetadata(newer, path: "new.safetensors")) {
            XCTAssertEqual($0 as? CheckpointMetadata.ReadError, .unknownFormat(path: "new.safetensors", format: "discern-checkpoint-2"))
            XCTAssertTrue("\($0)".contains("a newer discern wrote it"), "\($0)")
        }
        for key in ["architecture", "classes", "input_size"] {
            var m = base
            m[key] = nil
            XCTAssertThrowsError(try CheckpointMetadata(m, path: "p")) {
                XCTAssertEqual($0 as? CheckpointMetadata.ReadError, .missing(path: "p", key: key))
            }
        }
        for (key, value) in [("input_size", "big"), ("unsure_band", "0.6,0.4"), ("temperature", "warm"), ("dropout_states", "1,x")] {
            var m = base
            m[key] = value
            XCTAssertThrowsError(try CheckpointMetadata(m, path: "p")) {
                XCTAssertEqual($0 as? CheckpointMetadata.ReadError, .badValue(path: "p", key: key, value: value))
            }
        }
    }
}
