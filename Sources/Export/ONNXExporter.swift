import Foundation
import NN
import SwiftProtobuf

/// Writes a trained model as a self-contained ONNX file (opset 17, IR 8).
///
/// The graph's input `image` is `[N, H, W, 3]` float32 RGB in 0...1 (uint8 / 255, NHWC, as Discern
/// feeds its models); its output `probabilities` is `[N, K]`, calibrated by the checkpoint's
/// temperature (for a binary model `[1 - p_fake, p_fake]`). How images are brought to `H x W` and how
/// the verdict is drawn from the probabilities is written into the model's metadata (`preprocess`,
/// `classes`, `unsure_band`).
public enum ONNXExporter {
    /// The opset the graphs are written for.
    public static let opset: Int64 = 17

    /// - Parameters:
    ///   - metadata: the checkpoint's metadata (architecture, classes, temperature, unsure band, ...),
    ///     copied into the model's `metadata_props`.
    public static func model(_ model: Module, inputSize: Int, classes: [String], temperature: Double,
                             metadata: [String: String]) throws -> Onnx_ModelProto {
        let wasTraining = model.isTraining
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        var g = ONNXGraph()
        let logits = try g.layer(model, g.nhwcInput("image", height: inputSize, width: inputSize, channels: 3))
        let k = classes.count
        let scaled = g.node("Div", [logits, g.constant("temperature", [Float(temperature)], shape: [])], shape: g.shapes[logits]!)
        let probabilities: String
        if g.shapes[logits]![1] == 1 {
            let p = g.node("Sigmoid", [scaled], shape: [-1, 1])
            let q = g.node("Sub", [g.constant("one", [1], shape: []), p], shape: [-1, 1])
            probabilities = g.node("Concat", [q, p], shape: [-1, 2], attributes: [.int("axis", 1)])
        } else {
            probabilities = g.node("Softmax", [scaled], shape: [-1, k], attributes: [.int("axis", 1)])
        }
        let output = g.node("Identity", [probabilities], shape: [-1, k])

        var graph = Onnx_GraphProto()
        graph.name = metadata["architecture"] ?? "discern"
        graph.node = g.nodes.map { node in
            var n = node
            n.output = n.output.map { $0 == output ? "probabilities" : $0 }
            return n
        }
        graph.initializer = g.initializers
        graph.input = [valueInfo("image", dims: [nil, inputSize, inputSize, 3])]
        graph.output = [valueInfo("probabilities", dims: [nil, k])]

        var proto = Onnx_ModelProto()
        proto.irVersion = 8
        proto.producerName = "discern"
        proto.producerVersion = metadata["discern_version"] ?? "0.1"
        proto.docString = "Discern real-vs-AI image detector. Input NHWC float32 RGB in 0...1; output class probabilities."
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Self.opset
        proto.opsetImport = [opset]
        proto.graph = graph
        var props = metadata
        props["classes"] = classes.joined(separator: ",")
        props["input_size"] = String(inputSize)
        props["temperature"] = String(temperature)
        props["input_layout"] = "NHWC float32 RGB, value = uint8 / 255"
        props["preprocess"] = "decode (EXIF orientation applied, alpha composited over white); if the image is not \(inputSize)x\(inputSize): " +
            "resize the whole image to \(inputSize)x\(inputSize), area (box) filter when both sides are at least \(inputSize), bilinear otherwise"
        props["verdict"] = classes == ["REAL", "FAKE"]
            ? "FAKE if p_fake >= 0.5, REAL otherwise; UNSURE if p_fake lies strictly inside unsure_band (when set); pixels only: discern classify also weighs metadata evidence (MODEL_CARD.md)"
            : "the class with the largest probability (outputs in the order of `classes`); pixels only: discern classify also weighs metadata evidence (MODEL_CARD.md)"
        proto.metadataProps = props.sorted { $0.key < $1.key }.map { key, value in
            var e = Onnx_StringStringEntryProto(); e.key = key; e.value = value; return e
        }
        return proto
    }

    /// Serialises `model(...)` to `url` (atomically).
    public static func write(_ proto: Onnx_ModelProto, to url: URL) throws {
        try proto.serializedData().write(to: url, options: .atomic)
    }

    private static func valueInfo(_ name: String, dims: [Int?]) -> Onnx_ValueInfoProto {
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            if let d { dim.dimValue = Int64(d) } else { dim.dimParam = "batch" }
            return dim
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.shape = shape
        var type = Onnx_TypeProto()
        type.tensorType = tensor
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type = type
        return info
    }
}
