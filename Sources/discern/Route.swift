import ArgumentParser
import Foundation
import Inference
import NN

/// `discern route`: a size router, two checkpoints shipped as one detector.
struct Route: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join two checkpoints into a size router: images up to --small-max-side px a side go to --small.",
        discussion: """
            Writes --out (the --large model's weights and metadata, plus small_input_model and small_input_max_side) \
            and, beside it, OUT-small.safetensors (the --small model's weights and metadata). Optimizer state is \
            dropped from both. classify, serve, evaluate and export read OUT like any checkpoint; every image is judged \
            by the model its size picks, with that model's calibration, and the evidence says when the small-image \
            model scored it. Calibrate each model on its own data first. Example (the shipped default): discern route \
            --large runs/wild/calibrated.safetensors --small runs/cifake/best.safetensors --small-max-side 64 \
            --out Sources/discern/Resources/default-detector.safetensors
            """)

    @Option(help: "Checkpoint for images larger than --small-max-side (e.g. a patch model trained with --native-size).")
    var large: String
    @Option(help: "Checkpoint for images whose longer side is at most --small-max-side (e.g. a CIFAKE model).")
    var small: String
    @Option(help: "Longest side, in pixels, of the images sent to --small.")
    var smallMaxSide = 64
    @Option(help: "Output checkpoint (.safetensors); OUT-small.safetensors is written beside it.")
    var out: String

    func validate() throws {
        for path in [large, small] where !FileManager.default.fileExists(atPath: path) { throw ValidationError("\(path): no such checkpoint") }
        guard smallMaxSide >= 1 else { throw ValidationError("--small-max-side must be positive") }
        guard out.hasSuffix(".safetensors") else { throw ValidationError("--out must end in .safetensors") }
    }

    func run() throws {
        let target = URL(fileURLWithPath: out)
        let smallName = target.deletingPathExtension().lastPathComponent + "-small.safetensors"
        let smallTarget = target.deletingLastPathComponent().appendingPathComponent(smallName)
        let largeModel: LoadedModel, smallModel: LoadedModel
        do {
            largeModel = try LoadedModel(URL(fileURLWithPath: large))
            smallModel = try LoadedModel(URL(fileURLWithPath: small))
        } catch { throw ValidationError("\(error)") }
        guard largeModel.classes == smallModel.classes else {
            throw ValidationError("the models' classes differ: \(largeModel.classes.names) and \(smallModel.classes.names)")
        }
        guard smallModel.metadata.smallInputModel == nil else { throw ValidationError("\(small) is itself a router") }
        var largeTensors = try Safetensors.read(URL(fileURLWithPath: large)).tensors
        let smallTensors = try Safetensors.read(URL(fileURLWithPath: small)).tensors
        largeTensors = Checkpoint.withoutTrainingState(largeTensors)
        var largeMetadata = largeModel.metadata
        (largeMetadata.smallInputModel, largeMetadata.smallInputMaxSide) = (smallName, smallMaxSide)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Safetensors.write(Checkpoint.modelTensors(smallTensors), metadata: smallModel.metadata.map, to: smallTarget)
        try Safetensors.write(largeTensors, metadata: largeMetadata.map, to: target)
        _ = try Detector(LoadedModel(target))   // the pair loads as one detector
        print("wrote \(target.path) (\(largeModel.metadata.architecture), input_mode \(largeModel.metadata.inputMode ?? "whole")) "
              + "and \(smallTarget.path) (\(smallModel.metadata.architecture), \(smallModel.inputSize) px): images up to \(smallMaxSide) px a side go to the second")
    }
}
