import ArgumentParser
import Data
import Foundation
import Models
import NN
import Tensor

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
        var trainIdx: [Int] = [], heldIdx: [Int] = []
        for label in 0..<classes.count {
            for (i, idx) in dataset.labels.indices.filter({ dataset.labels[$0] == label }).enumerated() {
                if i % 4 == 3 { heldIdx.append(idx) } else { trainIdx.append(idx) }
            }
        }
        let train = dataset.subset(trainIdx), held = dataset.subset(heldIdx)
        let trainBatch = BatchLoader(dataset: train, batchSize: train.count, shuffle: false, seed: seed).makeBatch(Array(0..<train.count), batch: 0, epoch: 0)
        let heldBatch = BatchLoader(dataset: held, batchSize: held.count, shuffle: false, seed: seed).makeBatch(Array(0..<held.count), batch: 0, epoch: 0)
        var rng = SplitMix64(seed: seed)
        let model = SmallCNN(using: &rng)
        let optimizer = Adam(parameters: model.parameters(), learningRate: 2e-3)
        print("Training cnn-small (\(model.parameterCount) parameters) on \(train.count) images, validating on \(held.count).")
        let progress = ProgressBar(total: epochs, label: "train")
        let started = Date()
        for epoch in 1...epochs {
            let loss = Loss.binaryCrossEntropy(logits: model(trainBatch.images), targets: trainBatch.labels.map(Float.init))
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            progress.update(epoch, status: String(format: "loss %.4f", loss.item))
        }
        model.setTraining(false)
        let trainAcc = GradMode.withoutGrad { accuracy(model(trainBatch.images), trainBatch.labels) }
        let heldAcc = GradMode.withoutGrad { accuracy(model(heldBatch.images), heldBatch.labels) }
        print(String(format: "train accuracy %.1f %% (%d images), held-out accuracy %.1f %% (%d images), %.1f s",
                     trainAcc * 100, train.count, heldAcc * 100, held.count, Date().timeIntervalSince(started)))
        if let save {
            var metadata = CheckpointMetadata(architecture: "cnn-small", classes: classes.names, inputSize: 32)
            metadata.preprocessing = #"{"layout":"NHWC","channels":"RGB","scale":"x/255","size":32}"#
            (metadata.seed, metadata.epochs) = (seed, epochs)
            try Checkpoint.save(model, metadata: metadata, to: URL(fileURLWithPath: save))
            print("saved \(save)")
        }
    }

    private func accuracy(_ logits: Tensor, _ labels: [Int]) -> Double {
        Double(zip(logits.scalars, labels).filter { ($0 > 0 ? 1 : 0) == $1 }.count) / Double(labels.count)
    }
}
