import ArgumentParser
import Foundation
import NN
import Tensor

/// `discern bench`: throughput measurements, reported as numbers to set beside a peer run in the
/// same session (see BENCHMARKS.md).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure engine and pipeline throughput.",
        subcommands: [BenchEngine.self, BenchModels.self, BenchData.self])
}

/// Output format of benchmark commands.
enum BenchFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// Options shared by the timing benchmarks.
struct TimingOptions: ParsableArguments {
    @Option(help: "Output format: table or json.")
    var format: BenchFormat = .table

    @Option(help: "Timed runs per figure (median reported).")
    var runs: Int = 5

    @Option(help: "Seconds per timed run.")
    var target: Double = 1.0

    func validate() throws {
        guard runs > 0, target > 0 else { throw ValidationError("--runs and --target must be positive") }
    }
}

extension TimingOptions {
    /// Training (forward + BCE backward + Adam step on a batch of `trainBatch`) and inference (forward +
    /// sigmoid on `inferBatch`) img/s of `model` on fixed random batches, the protocol of
    /// shared/bench/torch_bench.py, and the process' peak resident memory right after the training runs.
    func throughput(of model: Module, size: Int = 32, trainBatch: Int = 128, inferBatch: Int = 256)
        -> (train: Double, infer: Double, trainPeakRSSMB: Double) {
        var rng = SplitMix64(seed: 1)
        let optimizer = Adam(parameters: model.parameters(), learningRate: 1e-3)
        let x = Tensor.uniform([trainBatch, size, size, 3], in: 0...1, using: &rng)
        let y = (0..<trainBatch).map { _ in Float(Bool.random(using: &rng) ? 1 : 0) }
        model.setTraining(true)
        let train = medianSeconds(runs: runs, targetSeconds: target) {
            optimizer.zeroGrad()
            Loss.binaryCrossEntropy(logits: model(x), targets: y).backward()
            optimizer.step()
        }
        let peak = peakResidentMegabytes()
        model.setTraining(false)
        let xi = Tensor.uniform([inferBatch, size, size, 3], in: 0...1, using: &rng)
        let infer = medianSeconds(runs: runs, targetSeconds: target) { _ = GradMode.withoutGrad { model(xi).sigmoid() } }
        return (Double(trainBatch) / train.median, Double(inferBatch) / infer.median, peak)
    }
}

/// The process' resident-memory high-water mark so far, MB (getrusage's ru_maxrss).
func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Median seconds of `runs` timed repetitions of `iterations` calls (after warm-up).
func medianSeconds(runs: Int, targetSeconds: Double, warmup: Int = 2, _ body: () -> Void) -> (median: Double, min: Double, max: Double) {
    for _ in 0..<warmup { body() }
    let t0 = Date()
    body()
    let once = max(Date().timeIntervalSince(t0), 1e-6)
    let iterations = max(1, Int(targetSeconds / once))
    var times: [Double] = []
    for _ in 0..<runs {
        let start = Date()
        for _ in 0..<iterations { body() }
        times.append(Date().timeIntervalSince(start) / Double(iterations))
    }
    times.sort()
    return (times[times.count / 2], times.first!, times.last!)
}
