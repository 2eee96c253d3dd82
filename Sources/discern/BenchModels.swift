import ArgumentParser
import Foundation
import Models
import NN
import Tensor

/// `discern bench models`: training and inference img/s of every architecture `discern train` offers,
/// and with `--peer` the ratio table against PyTorch's figures from the same session.
struct BenchModels: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Training (forward + loss backward + Adam step) and inference img/s of each architecture.",
        discussion: """
            Batches: 128 for training and 256 for inference, or 32 and 64 at inputs of 160 px and more.
            Peer: scripts/bench/torch_models.py (the same architectures in PyTorch); give its JSON lines (NCHW and
            channels-last runs, one or more files) with --peer to print the ratio table against the faster layout.
            train_peak_rss_mb is the process' high-water mark right after a model's training runs: measure one
            model per process for a per-model figure (scripts/bench/models_vs_torch.sh does).
            """)

    @Option(parsing: .upToNextOption, help: "Architectures (default: all).")
    var models: [String] = ModelFactory.architectures

    @Option(help: "Input side length (CIFAKE: 32; effnet-lite fine-tuning: 64; ImageNet size: 224).") var inputSize = 32
    @Option(help: "ResNet base width (resnet, resnet-s2; 16 = ResNet-20).") var width = 16
    @Option(help: "Training batch (default 128, or 32 from 160 px).") var trainBatch: Int?
    @Option(help: "Inference batch (default 256, or 64 from 160 px).") var inferBatch: Int?
    @Option(parsing: .upToNextOption, help: "JSON-lines files of scripts/bench/torch_models.py to compare against.")
    var peer: [String] = []

    @OptionGroup var timing: TimingOptions

    func validate() throws {
        for m in models where !ModelFactory.architectures.contains(m) { throw ValidationError("unknown model '\(m)'") }
        if inputSize != 32 && models.contains(where: { !(ModelFactory.isEfficientNet($0) || $0.hasPrefix("resnet")) }) {
            throw ValidationError("--input-size other than 32 works for effnet-lite and resnet models (the others have size-specific dense layers)")
        }
        if width < 1 { throw ValidationError("--width must be positive") }
        if (trainBatch ?? 1) < 1 || (inferBatch ?? 1) < 1 { throw ValidationError("batches must be positive") }
        for file in peer where !FileManager.default.isReadableFile(atPath: file) { throw ValidationError("cannot read peer file '\(file)'") }
    }

    func run() throws {
        let peerRuns = try peer.flatMap { try PeerRun.read($0) }
        let large = inputSize >= 160
        var ours: [PeerRun] = []
        for name in models {
            let model = try ModelFactory.make(name, inputSize: inputSize, width: width, seed: 0)
            let tb = trainBatch ?? (large ? 32 : 128), ib = inferBatch ?? (large ? 64 : 256)
            let (train, infer, peak) = timing.throughput(of: model, size: inputSize, trainBatch: tb, inferBatch: ib)
            let run = PeerRun(model: PeerRun.peerName(name, width: width), params: model.parameterCount, inputSize: inputSize,
                              width: width, trainBatch: tb, inferBatch: ib, train: train, infer: infer, trainPeakRSSMB: peak,
                              channelsLast: nil)
            ours.append(run)
            if timing.format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(run), as: UTF8.self))
            } else if peerRuns.isEmpty {
                print(name.padding(toLength: 14, withPad: " ", startingAt: 0)
                      + String(format: " %9d params  train b%d %7.0f img/s  infer b%d %7.0f img/s  train peak RSS %5.0f MB",
                               model.parameterCount, tb, train, ib, infer, peak))
            }
        }
        if !peerRuns.isEmpty {
            let table = try PeerRun.ratioTable(ours: ours, peer: peerRuns)
            if timing.format == .json { FileHandle.standardError.write(Data(table.utf8)) } else { print(table, terminator: "") }
        }
    }
}

/// One model's figures, ours or a peer's (a line of scripts/bench/torch_models.py; the same keys both ways).
struct PeerRun: Codable {
    var model: String, params: Int, inputSize: Int
    /// ResNet base width (Discern's lines only).
    var width: Int?
    var trainBatch: Int, inferBatch: Int
    /// img/s.
    var train: Double, infer: Double
    var trainPeakRSSMB: Double?
    /// PyTorch's memory format; nil for Discern.
    var channelsLast: Bool?

    enum CodingKeys: String, CodingKey {
        case model, params, width
        case inputSize = "input_size", trainBatch = "train_batch", inferBatch = "infer_batch"
        case train = "train_img_s", infer = "infer_img_s", trainPeakRSSMB = "train_peak_rss_mb", channelsLast = "channels_last"
    }

    /// The peer's name for one of our configurations (torch_models.py names non-default ResNet widths).
    static func peerName(_ architecture: String, width: Int) -> String {
        architecture.hasPrefix("resnet") && width != 16 ? "\(architecture)-w\(width)" : architecture
    }

    /// The JSON lines of a torch_models.py output file ('#' lines are headers).
    static func read(_ path: String) throws -> [PeerRun] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").filter { $0.hasPrefix("{") }.map { line in
            do {
                return try JSONDecoder().decode(PeerRun.self, from: Data(line.utf8))
            } catch {
                throw ValidationError("\(path): not a torch_models.py line (\(error)): \(line.prefix(80))")
            }
        }
    }

    /// A Markdown table: for each of our runs, the peer's NCHW and channels-last figures on the same model, size and
    /// batches, and our ratio to the faster layout (training and inference separately). A parameter count that
    /// differs from ours is an error: the networks would not be the same.
    static func ratioTable(ours: [PeerRun], peer: [PeerRun]) throws -> String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.0f", $0) } ?? "-" }
        var lines = ["| model | input | params | discern train | PyTorch NCHW / CL | ratio | discern infer | PyTorch NCHW / CL | ratio | discern train peak RSS | PyTorch train peak RSS |",
                     "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for o in ours {
            let same = peer.filter { $0.model == o.model && $0.inputSize == o.inputSize && $0.trainBatch == o.trainBatch && $0.inferBatch == o.inferBatch }
            if let p = same.first(where: { $0.params != o.params }) {
                throw ValidationError("\(o.model): the peer has \(p.params) parameters, Discern \(o.params)")
            }
            let nchw = same.first { $0.channelsLast == false }, cl = same.first { $0.channelsLast == true }
            let bestTrain = same.map(\.train).max(), bestInfer = same.map(\.infer).max()
            let peerRSS = same.compactMap(\.trainPeakRSSMB).min()
            let trainRatio = bestTrain.map { String(format: "**%.2fx**", o.train / $0) } ?? "-"
            let inferRatio = bestInfer.map { String(format: "**%.2fx**", o.infer / $0) } ?? "-"
            lines.append("| \(o.model) | \(o.inputSize) | \(o.params) | \(f(o.train)) (b\(o.trainBatch)) | \(f(nchw?.train)) / \(f(cl?.train)) | \(trainRatio) "
                         + "| \(f(o.infer)) (b\(o.inferBatch)) | \(f(nchw?.infer)) / \(f(cl?.infer)) | \(inferRatio) | \(f(o.trainPeakRSSMB)) MB | \(f(peerRSS)) MB |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
