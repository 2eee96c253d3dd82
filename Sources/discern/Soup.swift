import ArgumentParser
import Foundation
import NN

/// `discern soup`: averages the weights of several checkpoints of one architecture into one checkpoint.
struct Soup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Average the weights of checkpoints of one architecture into one model (a \"model soup\").",
        discussion: """
            The element-wise (weighted) mean of every tensor, after Wortsman et al. 2022: networks fine-tuned from the \
            same pretrained weights often average into one network that approaches their ensemble at one network's \
            cost. Calibration (temperature, unsure band) does not carry over: run `discern calibrate --model OUT --data \
            runs/NAME/val.jsonl` next; add `--bn-recalibrate N` there to re-estimate the batch-norm statistics, which \
            the soup holds as the members' mean. Train the members with one validation split (`train --split-seed`), or \
            one member's val.jsonl holds another's training images.
            Example: discern soup --model runs/a/best.safetensors --model runs/b/best.safetensors --out soup.safetensors
            """)

    @Option(help: "A checkpoint to average; repeat (at least two, all the same architecture and input size).")
    var model: [String]

    @Option(help: "Comma-separated non-negative weights, one per --model (default: equal).")
    var weights: String?

    @Option(help: "Where to write the averaged checkpoint.")
    var out: String

    func validate() throws {
        guard model.count >= 2 else { throw ValidationError("soup needs at least two --model checkpoints") }
        for path in model where !FileManager.default.fileExists(atPath: path) { throw ValidationError("\(path): no such checkpoint") }
        if weights != nil { _ = try parsedWeights() }
    }

    private func parsedWeights() throws -> [Double]? {
        guard let weights else { return nil }
        let fields = weights.split(separator: ",", omittingEmptySubsequences: false)
        let values = fields.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }.filter(\.isFinite)
        guard values.count == fields.count else { throw ValidationError("--weights: '\(weights)' is not a list of numbers") }
        guard values.count == model.count else { throw ValidationError("--weights has \(values.count) numbers for \(model.count) --model checkpoints") }
        guard values.allSatisfy({ $0 >= 0 }), values.reduce(0, +) > 0 else { throw ValidationError("--weights must be >= 0 with a positive sum") }
        return values
    }

    func run() throws {
        let target = URL(fileURLWithPath: out)
        let soup: ModelSoup.Written
        do {
            soup = try ModelSoup.write(members: model, weights: parsedWeights(), to: target)
        } catch let error as WeightAveragingError { throw ValidationError(error.description) }
        print("wrote \(target.path): mean of \(model.count) \(soup.metadata.architecture) checkpoints, \(soup.tensorCount) tensors; " +
              "calibrate it next (discern calibrate --model \(target.path) --data VAL)")
    }
}
