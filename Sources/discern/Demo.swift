import ArgumentParser
import Data
import Foundation
import Models
import NN
import Training

/// `discern demo`: trains the small CNN on a folder of REAL/FAKE images and reports its accuracy,
/// to show the engine working end to end in a few seconds.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a tiny detector on sample images and print its accuracy.",
        discussion: "Holds out every fourth image per class for validation. Uses ../shared/data/cifake/sample by default.")

    @Option(help: "Folder with REAL/ and FAKE/ sub-folders of 32x32 images.")
    var data: String = "../shared/data/cifake/sample"

    @Option(help: "Training epochs (full batch).")
    var epochs: Int = 60

    @Option(help: "Random seed for weights.")
    var seed: UInt64 = 1

    @Option(help: "Write the trained model to this safetensors file.")
    var save: String?

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive") }
    }

    func run() throws {
        let dataset = try DecodedDataset.load(DatasetSource(paths: [data]), size: 32)
        let classes = dataset.classes
        guard classes.names == ["REAL", "FAKE"] else {
            throw ValidationError("\(data) must hold exactly REAL/ and FAKE/ image folders, found \(classes.names)")
        }
        for failure in dataset.failures { FileHandle.standardError.write(Data("skipped \(failure.error)\n".utf8)) }
        let (trainIdx, heldIdx) = Splitting.holdOutEveryNth(labels: dataset.labels, classes: classes.count, n: 4)
        let train = dataset.subset(trainIdx), held = dataset.subset(heldIdx)
        // The library trainer with the demo's recipe: full-batch Adam 2e-3 on cnn-small, in a throw-away run folder.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("discern-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = TrainConfig()
        (config.model, config.data, config.epochs) = ("cnn-small", [data], epochs)
        (config.batch, config.lr, config.seed, config.out) = (max(1, train.count), 2e-3, seed, folder.path)
        let reporter = DemoReporter(epochs: epochs)
        let trainer = try Trainer(config: config, observer: reporter)
        print("Training cnn-small (\(try ModelFactory.make("cnn-small", seed: seed).parameterCount) parameters) on \(train.count) images, validating on \(held.count).")
        let started = Date()
        let records = try trainer.run(data: (train, held))
        reporter.finish()
        let last = records.last!
        print(String(format: "train accuracy %.1f %% (%d images, last epoch), held-out accuracy %.1f %% (%d images), %.1f s",
                     last.trainAccuracy * 100, train.count, last.valAccuracy * 100, held.count, Date().timeIntervalSince(started)))
        if let save {
            // The final weights and the run's metadata, without the optimizer state.
            let (tensors, metadata) = try Safetensors.read(trainer.folder.file("last.safetensors"))
            try Safetensors.write(Checkpoint.withoutTrainingState(tensors), metadata: metadata, to: URL(fileURLWithPath: save))
            print("saved \(save)")
        }
    }
}

/// The demo's progress: one bar over the epochs with the running loss.
private final class DemoReporter: TrainingObserver {
    private let bar: ProgressBar
    private let epochs: Int
    private var loss = 0.0

    init(epochs: Int) {
        self.epochs = epochs
        bar = ProgressBar(total: epochs, label: "train")
    }
    func finish() { bar.finish(epochs) }

    func dataLoaded(train: Int, val: Int, classes: [String], failures: [(path: String, error: String)]) {}
    func epochStarted(_ epoch: Int, of epochs: Int, batches: Int) {}
    func batchFinished(_ batch: Int, loss: Double, accuracy: Double, precision: Double, recall: Double) { self.loss = loss }
    func epochFinished(_ record: EpochRecord, best: Bool) { bar.update(record.epoch, status: String(format: "loss %.4f", loss)) }
    func interrupted(epoch: Int, batch: Int) {}
}
