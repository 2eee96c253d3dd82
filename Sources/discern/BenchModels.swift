import ArgumentParser
import Foundation
import Models
import NN
import Tensor

/// `discern bench models`: training and inference img/s of every architecture `discern train` offers.
struct BenchModels: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Training (b128: forward + loss backward + Adam step) and inference (b256) img/s of each architecture.",
        discussion: "Peer: scripts/bench/torch_models.py (the same architectures in PyTorch) in the same session.")

    @Option(parsing: .upToNextOption, help: "Architectures (default: all).")
    var models: [String] = ModelFactory.architectures

    @Option(help: "Input side length (CIFAKE: 32; effnet-lite0 fine-tuning: 64).") var inputSize = 32
    @Option(help: "ResNet base width (resnet, resnet-s2; 16 = ResNet-20).") var width = 16

    @OptionGroup var timing: TimingOptions

    func validate() throws {
        for m in models where !ModelFactory.architectures.contains(m) { throw ValidationError("unknown model '\(m)'") }
        if inputSize != 32 && models.contains(where: { !(ModelFactory.isEfficientNet($0) || $0.hasPrefix("resnet")) }) {
            throw ValidationError("--input-size other than 32 works for effnet-lite and resnet models (the others have size-specific dense layers)")
        }
        if width < 1 { throw ValidationError("--width must be positive") }
    }

    func run() throws {
        for name in models {
            let model = try ModelFactory.make(name, inputSize: inputSize, width: width, seed: 0)
            let (train, infer) = timing.throughput(of: model, size: inputSize)
            let r: [String: Any] = ["model": name, "params": model.parameterCount, "input_size": inputSize, "width": width,
                                    "train_b128_img_s": train, "infer_b256_img_s": infer]
            if timing.format == .json {
                print(String(decoding: try JSONSerialization.data(withJSONObject: r, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print(name.padding(toLength: 10, withPad: " ", startingAt: 0)
                      + String(format: " %9d params  train b128 %7.0f img/s  infer b256 %7.0f img/s", model.parameterCount, train, infer))
            }
        }
    }
}
