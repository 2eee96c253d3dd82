import ArgumentParser
import Export
import Foundation
import Inference

/// `discern export`: a checkpoint as ONNX (for onnxruntime, Spark, ...) or as weights-only safetensors.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a checkpoint to ONNX (opset 17) or weights-only safetensors.",
        discussion: """
            ONNX: input `image` [N, H, W, 3] float32 RGB in 0...1 (uint8 / 255), output `probabilities` [N, classes] \
            with the checkpoint's calibration temperature applied. Preprocessing, class names and the unsure band are in \
            the model's metadata_props. Without --model the shipped default detector is exported.
            A patch model's graph scores one input-sized patch: cutting the patches (PatchPlan) and aggregating their \
            logits (mean logit) stay outside it, as metadata says (input_mode, patch_aggregation). For a size router \
            (the shipped default) ONNX holds the large-image model only; export the small-image model with --model \
            pointing at its file (default-detector-small.safetensors beside the router).
            safetensors: the model's tensors and metadata without optimizer state; a router's small-image model is \
            written beside it as OUT-small.safetensors. Neither format carries the familiarity reference (the rule that \
            answers UNSURE for images far from the training data): it is detector data, not network weights.
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
                                               temperature: loaded.temperature, metadata: loaded.metadata.map)
            try ONNXExporter.write(proto, to: target)
            print("wrote \(target.path): \(loaded.metadata.architecture), \(proto.graph.node.count) nodes, " +
                  "\(loaded.model.parameterCount) parameters, input [N, \(loaded.inputSize), \(loaded.inputSize), 3]")
            if loaded.metadata.inputMode == "patches" {
                print("patch model: the graph scores one \(loaded.inputSize)-px patch; cut patches and take the mean logit outside it (Sources/Inference/PatchPlan.swift)")
            }
            if let small = loaded.metadata.smallInputModel {
                print("size router: images up to \(loaded.metadata.smallInputMaxSide.map(String.init) ?? "?") px a side go to \(small), not in this graph (export it with --model)")
            }
        case .safetensors:
            let written = try WeightsExport.write(url, to: target)
            if written.leftOutFamiliarity {
                print("familiarity reference (the UNSURE rule for unfamiliar images) left out: it is not part of the network")
            }
            print("wrote \(target.path): \(written.tensorCount) tensors" + (written.smallInputModel.map { " (size router; small-image model in \($0))" } ?? ""))
        }
    }
}
