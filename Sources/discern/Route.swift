import ArgumentParser
import Foundation
import Inference

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
        let written: SizeRouter.Written
        do {
            written = try SizeRouter.join(large: URL(fileURLWithPath: large), small: URL(fileURLWithPath: small),
                                          smallMaxSide: smallMaxSide, out: URL(fileURLWithPath: out))
        } catch { throw ValidationError("\(error)") }
        let router = try LoadedModel(written.router), smallModel = try LoadedModel(written.small)
        print("wrote \(written.router.path) (\(router.metadata.architecture), input_mode \(router.metadata.inputMode ?? "whole")) "
              + "and \(written.small.path) (\(smallModel.metadata.architecture), \(smallModel.inputSize) px): images up to \(smallMaxSide) px a side go to the second")
    }
}
