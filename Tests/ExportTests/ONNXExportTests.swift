import Export
import Models
import NN
import SwiftProtobuf
import Tensor
import XCTest

/// Structure of exported graphs; numerical agreement with onnxruntime is checked by
/// scripts/interop/check_onnx.py (run by scripts/test.sh).
final class ONNXExportTests: XCTestCase {
    private func export(_ arch: String, classes: Int = 2) throws -> Onnx_ModelProto {
        let model = try ModelFactory.make(arch, classes: classes, seed: 1)
        let names = classes == 2 ? ["REAL", "FAKE"] : (0..<classes).map { "C\($0)" }
        let proto = try ONNXExporter.model(model, inputSize: 32, classes: names, temperature: 1.5, metadata: ["architecture": arch])
        // Round trip through the wire format.
        return try Onnx_ModelProto(serializedBytes: try proto.serializedData())
    }

    func testModelHeaderInputsAndOutputs() throws {
        let m = try export("cnn-small")
        XCTAssertEqual(m.opsetImport.map(\.version), [17])
        XCTAssertEqual(m.graph.input.map(\.name), ["image"])
        XCTAssertEqual(m.graph.input[0].type.tensorType.shape.dim.map(\.dimValue), [0, 32, 32, 3])
        XCTAssertEqual(m.graph.input[0].type.tensorType.shape.dim[0].dimParam, "batch")
        XCTAssertEqual(m.graph.output.map(\.name), ["probabilities"])
        XCTAssertEqual(m.graph.output[0].type.tensorType.shape.dim.map(\.dimValue), [0, 2])
        let meta = Dictionary(uniqueKeysWithValues: m.metadataProps.map { ($0.key, $0.value) })
        XCTAssertEqual(meta["classes"], "REAL,FAKE")
        XCTAssertEqual(meta["temperature"], "1.5")
        XCTAssertEqual(meta["architecture"], "cnn-small")
        XCTAssertEqual(m.graph.node.first?.opType, "Transpose")
        XCTAssertEqual(Array(m.graph.node.suffix(4).map(\.opType)), ["Sigmoid", "Sub", "Concat", "Identity"])
    }

    func testConvWeightsArePermutedToOIHW() throws {
        let model = try ModelFactory.make("cnn-small", seed: 1) as! SmallCNN
        let m = try export("cnn-small")
        let conv = m.graph.node.first { $0.opType == "Conv" }!
        let w = m.graph.initializer.first { $0.name == conv.input[1] }!
        XCTAssertEqual(w.dims, [32, 3, 3, 3])
        let values = w.rawData.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let hwio = model.conv1.weight.scalars // [KH, KW, Cin, Cout]
        for (o, i, y, x) in [(0, 0, 0, 0), (31, 2, 2, 1), (5, 1, 0, 2)] {
            XCTAssertEqual(values[((o * 3 + i) * 3 + y) * 3 + x], hwio[((y * 3 + x) * 3 + i) * 32 + o])
        }
    }

    func testSamePaddingIsWrittenAsExplicitAsymmetricPads() throws {
        // cnn's first layer: 4x4 'same' on 32x32 -> TF pads 1 before, 2 after.
        let m = try export("cnn")
        let conv = m.graph.node.first { $0.opType == "Conv" }!
        XCTAssertEqual(conv.attribute.first { $0.name == "pads" }?.ints, [1, 1, 2, 2])
    }

    func testEveryParameterIsAnInitializer() throws {
        for arch in ModelFactory.architectures {
            let model = try ModelFactory.make(arch, seed: 1)
            let m = try export(arch)
            let exported = m.graph.initializer.reduce(0) { $0 + Int($1.dims.reduce(1, *)) }
            // BatchNorm running statistics and the scalar constants are extra, never fewer.
            XCTAssertGreaterThanOrEqual(exported, model.parameterCount, arch)
            let produced = Set(m.graph.node.flatMap(\.output)).union(m.graph.initializer.map(\.name)).union(["image"])
            for node in m.graph.node { for input in node.input { XCTAssertTrue(produced.contains(input), "\(arch): \(input) undefined") } }
        }
    }

    func testMultiClassHeadEndsInSoftmax() throws {
        let m = try export("resnet", classes: 3)
        XCTAssertTrue(m.graph.node.contains { $0.opType == "Softmax" })
        XCTAssertEqual(m.graph.output[0].type.tensorType.shape.dim.last?.dimValue, 3)
    }

    func testUnknownLayerIsAnError() {
        final class Custom: Module {}
        XCTAssertThrowsError(try ONNXExporter.model(Custom(), inputSize: 32, classes: ["REAL", "FAKE"], temperature: 1, metadata: [:])) {
            XCTAssertEqual($0 as? ExportError, .unsupportedLayer("Custom"))
        }
    }
}
