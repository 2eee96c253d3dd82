import ArgumentParser
import Foundation
import Models
import NN
import Tensor

/// `discern bench engine`: model (a) training / inference img/s and convolution GFLOP/s.
struct BenchEngine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Model (a) img/s (train b128, inference b256) and conv GFLOP/s on the benchmark shapes.",
        discussion: "Same protocol as shared/bench/torch_bench.py: a fixed random batch, forward + BCE backward + Adam step, median of runs.")

    @OptionGroup var timing: TimingOptions

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(help: "What to measure: all, model or conv.")
    var part: Part = .all

    enum Part: String, ExpressibleByArgument, CaseIterable { case all, model, conv }

    func run() throws {
        if let threads { Parallel.setThreadCount(threads) }
        var results: [[String: Any]] = []
        if part != .conv { results.append(try modelA()) }
        if part != .model { for shape in Self.convShapes { results.append(conv(shape)) } }
        if timing.format == .json {
            for r in results {
                let data = try JSONSerialization.data(withJSONObject: r, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            }
        } else {
            print("# discern engine, threads=\(Parallel.threadCount), \(ISO8601DateFormatter().string(from: Date()))")
            for r in results {
                let name = r["name"] as! String
                let figures = r.filter { $0.key != "name" }.sorted { $0.key < $1.key }
                    .map { "\($0.key)=\(($0.value as? Double).map { String(format: "%.1f", $0) } ?? "\($0.value)")" }
                print("\(name): " + figures.joined(separator: " "))
            }
        }
    }

    /// Model (a) of torch_bench.py (`cnn-small`).
    private func modelA() throws -> [String: Any] {
        let model = try ModelFactory.make("cnn-small", seed: 0)
        let (train, infer, _) = timing.throughput(of: model)
        return ["name": "model_a", "params": model.parameterCount, "train_b128_img_s": train, "infer_b256_img_s": infer]
    }

    /// (name, batch, H=W, Cin, Cout, kernel, padding)
    static let convShapes: [(String, Int, Int, Int, Int, Int, Padding)] = [
        ("conv_3to32_3x3_32px_valid", 128, 32, 3, 32, 3, .valid),
        ("conv_32to64_3x3_15px_valid", 128, 15, 32, 64, 3, .valid),
        ("conv_32to64_3x3_16px_same", 128, 16, 32, 64, 3, .same),
        ("conv_64to128_3x3_8px_same", 128, 8, 64, 128, 3, .same),
    ]

    private func conv(_ s: (String, Int, Int, Int, Int, Int, Padding)) -> [String: Any] {
        let (name, n, hw, cin, cout, k, padding) = s
        var rng = SplitMix64(seed: 1)
        let x = Tensor.uniform([n, hw, hw, cin], in: -1...1, using: &rng)
        let w = Tensor.uniform([k, k, cin, cout], in: -0.1...0.1, using: &rng)
        let v = padding.resolve(input: hw, kernel: k, stride: 1, vertical: true)
        let g = ConvGeometry(batch: n, inH: hw, inW: hw, inC: cin, outH: v.output, outW: v.output, outC: cout,
                             kernelH: k, kernelW: k, stride: 1, padTop: v.before, padLeft: v.before)
        let y = Tensor(zeros: [n, g.outH, g.outW, cout]), dx = Tensor(zeros: x.shape), dw = Tensor(zeros: w.shape)
        let backend = Kernels.convolution
        let fwd = medianSeconds(runs: timing.runs, targetSeconds: timing.target) { backend.forward(g, x: x.pointer, w: w.pointer, bias: nil, y: y.pointer) }
        let bwdData = medianSeconds(runs: timing.runs, targetSeconds: timing.target) { backend.backwardData(g, dy: y.pointer, w: w.pointer, dx: dx.pointer) }
        let bwdFilter = medianSeconds(runs: timing.runs, targetSeconds: timing.target) { backend.backwardFilter(g, x: x.pointer, dy: y.pointer, dw: dw.pointer, dbias: nil) }
        let flops = g.forwardFLOPs
        return ["name": name, "forward_gflop_s": flops / fwd.median / 1e9, "backward_data_gflop_s": flops / bwdData.median / 1e9,
                "backward_filter_gflop_s": flops / bwdFilter.median / 1e9]
    }
}
