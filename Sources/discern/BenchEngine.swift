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

    @Option(help: "Convolution backend for the conv shapes: default (routed per shape), im2col, onednn, or all (each).")
    var backend: Backend = .default

    enum Backend: String, ExpressibleByArgument, CaseIterable { case `default`, im2col, onednn, all }

    @Option(help: "Conv shapes: bench (the four of BENCHMARKS.md) or zoo (every layer kind of the architectures).")
    var shapes: ShapeSet = .bench

    enum ShapeSet: String, ExpressibleByArgument, CaseIterable { case bench, zoo }

    func run() throws {
        if let threads { Parallel.setThreadCount(threads) }
        var results: [[String: Any]] = []
        if part != .conv { results.append(try modelA()) }
        if part != .model {
            let backends: [(String, any ConvolutionBackend)] = switch backend {
            case .default: [("default", Kernels.convolution)]
            case .im2col: [("im2col", Im2colConvolution())]
            case .onednn: [("onednn", try oneDNN())]
            case .all: [("im2col", Im2colConvolution()), ("onednn", try oneDNN()), ("default", Kernels.convolution)]
            }
            for shape in shapes == .bench ? Self.convShapes : Self.zooShapes {
                for (name, b) in backends { results.append(conv(shape, backend: b, label: backends.count > 1 || backend != .default ? name : nil)) }
            }
            if shapes == .zoo {
                // Im2colConvolution runs depthwise layers on the engine's own kernels.
                for shape in Self.depthwiseShapes {
                    for (name, b) in backends { results.append(conv(shape, backend: b, label: name == "im2col" ? "own" : name, depthwise: true)) }
                }
            }
        }
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

    private func oneDNN() throws -> OneDNNConvolution {
        guard let b = OneDNNConvolution() else { throw ValidationError("oneDNN could not start a CPU engine") }
        return b
    }

    /// (name, batch, H=W, Cin, Cout, kernel, padding[, stride])
    typealias Shape = (name: String, batch: Int, side: Int, inC: Int, outC: Int, kernel: Int, padding: Padding, stride: Int)
    static let convShapes: [Shape] = [
        ("conv_3to32_3x3_32px_valid", 128, 32, 3, 32, 3, .valid, 1),
        ("conv_32to64_3x3_15px_valid", 128, 15, 32, 64, 3, .valid, 1),
        ("conv_32to64_3x3_16px_same", 128, 16, 32, 64, 3, .same, 1),
        ("conv_64to128_3x3_8px_same", 128, 8, 64, 128, 3, .same, 1),
    ]

    /// One of each layer kind of the zoo at its training batch: first layers, ResNet-20's three stages and
    /// strided and 1x1 shortcuts, the PatchGAN's 4x4 layers, EfficientNet-Lite's stem and pointwise layers at 64 px.
    static let zooShapes: [Shape] = convShapes + [
        ("resnet_3to16_3x3_32px", 128, 32, 3, 16, 3, .symmetric(1), 1),
        ("resnet_16to16_3x3_32px", 128, 32, 16, 16, 3, .symmetric(1), 1),
        ("resnet_16to32_3x3_s2_32px", 128, 32, 16, 32, 3, .symmetric(1), 2),
        ("resnet_16to32_1x1_s2_32px", 128, 32, 16, 32, 1, .valid, 2),
        ("resnet_32to32_3x3_16px", 128, 16, 32, 32, 3, .symmetric(1), 1),
        ("resnet_64to64_3x3_8px", 128, 8, 64, 64, 3, .symmetric(1), 1),
        ("patchgan_3to64_4x4_s2_32px", 128, 32, 3, 64, 4, .same, 2),
        ("patchgan_128to256_4x4_s2_8px", 128, 8, 128, 256, 4, .same, 2),
        ("patchgan_256to512_4x4_6px", 128, 6, 256, 512, 4, .valid, 1),
        ("effnet_3to32_3x3_s2_64px", 128, 64, 3, 32, 3, .same, 2),
        ("effnet_32to16_1x1_32px", 128, 32, 32, 16, 1, .valid, 1),
        ("effnet_16to96_1x1_32px", 128, 32, 16, 96, 1, .valid, 1),
        ("effnet_144to24_1x1_16px", 128, 16, 144, 24, 1, .valid, 1),
        ("effnet_112to672_1x1_4px", 128, 4, 112, 672, 1, .valid, 1),
        ("effnet_672to192_1x1_4px", 128, 4, 672, 192, 1, .valid, 1),
        ("effnet_320to1280_1x1_2px", 128, 2, 320, 1280, 1, .valid, 1),
        ("patchgan_256to512_4x4_6px_b256", 256, 6, 256, 512, 4, .valid, 1),
    ]

    /// EfficientNet-Lite's depthwise layers at 64 px input (Cin = Cout = channels).
    static let depthwiseShapes: [Shape] = [
        ("effnet_dw32_3x3_32px", 128, 32, 32, 32, 3, .same, 1),
        ("effnet_dw96_3x3_s2_32px", 128, 32, 96, 96, 3, .same, 2),
        ("effnet_dw144_3x3_16px", 128, 16, 144, 144, 3, .same, 1),
        ("effnet_dw144_5x5_s2_16px", 128, 16, 144, 144, 5, .same, 2),
        ("effnet_dw240_5x5_8px", 128, 8, 240, 240, 5, .same, 1),
        ("effnet_dw480_3x3_4px", 128, 4, 480, 480, 3, .same, 1),
        ("effnet_dw672_5x5_4px", 128, 4, 672, 672, 5, .same, 1),
    ]

    private func conv(_ s: Shape, backend: any ConvolutionBackend, label: String?, depthwise: Bool = false) -> [String: Any] {
        let (name, n, hw, cin, cout, k, padding, stride) = s
        var rng = SplitMix64(seed: 1)
        let x = Tensor.uniform([n, hw, hw, cin], in: -1...1, using: &rng)
        let w = Tensor.uniform(depthwise ? [k, k, cin] : [k, k, cin, cout], in: -0.1...0.1, using: &rng)
        let v = padding.resolve(input: hw, kernel: k, stride: stride, vertical: true)
        let g = ConvGeometry(batch: n, inH: hw, inW: hw, inC: cin, outH: v.output, outW: v.output, outC: cout,
                             kernelH: k, kernelW: k, stride: stride, padTop: v.before, padLeft: v.before)
        let y = Tensor(zeros: [n, g.outH, g.outW, cout]), dx = Tensor(zeros: x.shape), dw = Tensor(zeros: w.shape)
        let passes: [() -> Void] = depthwise ? [
            { backend.depthwiseForward(g, x: x.pointer, w: w.pointer, bias: nil, y: y.pointer, clamp: nil) },
            { backend.depthwiseBackwardData(g, dy: y.pointer, w: w.pointer, dx: dx.pointer) },
            { backend.depthwiseBackwardFilter(g, x: x.pointer, dy: y.pointer, dw: dw.pointer, dbias: nil) },
        ] : [
            { backend.forward(g, x: x.pointer, w: w.pointer, bias: nil, y: y.pointer) },
            { backend.backwardData(g, dy: y.pointer, w: w.pointer, dx: dx.pointer) },
            { backend.backwardFilter(g, x: x.pointer, dy: y.pointer, dw: dw.pointer, dbias: nil) },
        ]
        let seconds = passes.map { medianSeconds(runs: timing.runs, targetSeconds: timing.target, $0).median }
        // A depthwise layer does one multiply-add per output element and tap (not one per input channel as well).
        let flops = depthwise ? g.forwardFLOPs / Double(g.inC) : g.forwardFLOPs
        return ["name": label.map { "\(name) [\($0)]" } ?? name, "forward_gflop_s": flops / seconds[0] / 1e9,
                "backward_data_gflop_s": flops / seconds[1] / 1e9, "backward_filter_gflop_s": flops / seconds[2] / 1e9]
    }
}
