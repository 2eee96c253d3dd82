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

    @OptionGroup var timing: TimingOptions

    func validate() throws {
        for m in models where !ModelFactory.architectures.contains(m) { throw ValidationError("unknown model '\(m)'") }
    }

    func run() throws {
        for name in models {
            let model = try ModelFactory.make(name, seed: 0)
            var rng = SplitMix64(seed: 1)
            let optimizer = Adam(parameters: model.parameters(), learningRate: 1e-3)
            let x = Tensor.uniform([128, 32, 32, 3], in: 0...1, using: &rng)
            let y = (0..<128).map { _ in Float(Bool.random(using: &rng) ? 1 : 0) }
            model.setTraining(true)
            let train = medianSeconds(runs: timing.runs, targetSeconds: timing.target) {
                optimizer.zeroGrad()
                Loss.binaryCrossEntropy(logits: model(x), targets: y).backward()
                optimizer.step()
            }
            model.setTraining(false)
            let xi = Tensor.uniform([256, 32, 32, 3], in: 0...1, using: &rng)
            let infer = medianSeconds(runs: timing.runs, targetSeconds: timing.target) { _ = GradMode.withoutGrad { model(xi) } }
            let r: [String: Any] = ["model": name, "params": model.parameterCount, "train_b128_img_s": 128 / train.median, "infer_b256_img_s": 256 / infer.median]
            if timing.format == .json {
                print(String(decoding: try JSONSerialization.data(withJSONObject: r, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print(name.padding(toLength: 10, withPad: " ", startingAt: 0)
                      + String(format: " %9d params  train b128 %7.0f img/s  infer b256 %7.0f img/s", model.parameterCount, 128 / train.median, 256 / infer.median))
            }
        }
    }
}
