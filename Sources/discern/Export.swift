import ArgumentParser
import Evaluation
import Export
import Foundation
import NN

/// `discern export`: a checkpoint as ONNX (for onnxruntime, Spark, ...) or as weights-only safetensors.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a checkpoint to ONNX (opset 17) or weights-only safetensors.",
        discussion: """
            ONNX: input `image` [N, H, W, 3] float32 RGB in 0...1 (uint8 / 255), output `probabilities` [N, classes] \
            with the checkpoint's calibration temperature applied. Preprocessing, class names and the unsure band are in \
            the model's metadata_props. Without --model the shipped default detector is exported.
            safetensors: the model's tensors and metadata without optimizer state.
            """)

    @Option(help: "Checkpoint to export (default: the shipped detector).")
    var model: String?

    @Option(help: "onnx or safetensors.")
    var format: Format = .onnx

    @Option(help: "Output file.")
    var out: String

    enum Format: String, ExpressibleByArgument, CaseIterable { case onnx, safetensors }

    func validate() throws {
        if let model, !FileManager.default.fileExists(atPath: model) { throw ValidationError("\(model): no such checkpoint") }
    }

    func run() throws {
        let url = try model.map(URL.init(fileURLWithPath:)) ?? DefaultModel.url()
        let target = URL(fileURLWithPath: out)
        switch format {
        case .onnx:
            let loaded = try LoadedModel(url)
            let proto = try ONNXExporter.model(loaded.model, inputSize: loaded.inputSize, classes: loaded.classes.names,
                                               temperature: loaded.temperature, metadata: loaded.metadata)
            try ONNXExporter.write(proto, to: target)
            print("wrote \(target.path): \(loaded.metadata["architecture"] ?? "?"), \(proto.graph.node.count) nodes, " +
                  "\(loaded.model.parameterCount) parameters, input [N, \(loaded.inputSize), \(loaded.inputSize), 3]")
        case .safetensors:
            let (tensors, metadata) = try Safetensors.read(url)
            let weights = Checkpoint.modelTensors(tensors)
            try Safetensors.write(weights, metadata: metadata, to: target)
            print("wrote \(target.path): \(weights.count) tensors")
        }
    }
}
