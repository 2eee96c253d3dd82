import ArgumentParser
import Evaluation
import Foundation

/// `discern calibrate`: fits a temperature and an unsure band on held-out data and stores them in the checkpoint.
struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit temperature scaling and the UNSURE band on held-out data; store them in the checkpoint's metadata.",
        discussion: """
            Use the run's val.jsonl (never the test split). evaluate and classify then report calibrated p_fake.
            --bn-recalibrate N first re-estimates the batch-norm statistics from N batches of the data with dropout off \
            (train --bn-recalibrate does it during training), for networks with dropout before batch norm (patchgan).
            A patch model (input_mode: patches) is fitted on its image-level scores: each held-out image at native \
            resolution, its patches aggregated as classify aggregates them. A size router's small-input checkpoint is \
            left alone (calibrate it on its own data).
            """)

    @Option(help: "Checkpoint of a binary (REAL/FAKE) model.")
    var model: String

    @Option(parsing: .upToNextOption, help: "Held-out labelled data, e.g. runs/NAME/val.jsonl.")
    var data: [String]

    @Option(help: "Largest share of held-out images allowed in the UNSURE band.")
    var maxUnsure: Double = 0.05

    @Option(help: "Re-estimate batch-norm statistics from N batches of 128 of --data (dropout off) before fitting; 0 = keep them (default).")
    var bnRecalibrate: Int = 0

    @Option(help: "Where to write the calibrated checkpoint (default: overwrite --model).")
    var out: String?

    func validate() throws {
        guard (0..<0.5).contains(maxUnsure) else { throw ValidationError("--max-unsure must be in [0, 0.5)") }
        guard FileManager.default.fileExists(atPath: model) else { throw ValidationError("\(model): no such checkpoint") }
        guard bnRecalibrate >= 0 else { throw ValidationError("--bn-recalibrate must be 0 (off) or a number of batches") }
    }

    func run() throws {
        let calibration = CheckpointCalibration(model: URL(fileURLWithPath: model), data: data, maxUnsure: maxUnsure,
                                                batchNormBatches: bnRecalibrate)
        let target = URL(fileURLWithPath: out ?? model)
        var bar: ProgressBar?
        let outcome: CheckpointCalibration.Outcome
        do {
            outcome = try calibration.run(writingTo: target) { done, total in
                if bar == nil { bar = ProgressBar(total: total, label: "score patches") }
                bar?.update(done)
            }
        } catch let error as CheckpointCalibrationError { throw ValidationError(error.description) }
        if outcome.batchNormBatchesUsed > 0 {
            print("batch-norm statistics re-estimated from \(outcome.batchNormBatchesUsed) batch(es) of \(outcome.batchNormImages) images, dropout off")
        }
        print(String(format: "%d held-out images: temperature %.4f, ECE %.4f -> %.4f, unsure band (%.4f, %.4f); wrote %@",
                     outcome.count, outcome.temperature, outcome.eceBefore, outcome.eceAfter, outcome.band.lowerBound,
                     outcome.band.upperBound, target.path))
    }
}
