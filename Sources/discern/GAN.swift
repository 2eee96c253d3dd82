import ArgumentParser
import Data
import Foundation
import Imaging
import Models
import NN
import Tensor
import Training

/// `discern gan`: a DCGAN that makes new fakes.
struct GANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gan", abstract: "Train a DCGAN on real photos and sample new fakes from it.",
        subcommands: [GANTrain.self, GANSample.self])
}

struct GANTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train a DCGAN (Adam 2e-4, beta1 0.5, N(0, 0.02) init) on the images of one class.",
        discussion: """
            Writes to --out: samples-EEE.png (fixed-latent grid each epoch), losses.png/.svg, gan_metrics.jsonl, \
            generator.safetensors and discriminator.safetensors (every epoch). Ctrl-C / SIGTERM stops after the batch \
            and saves. Example: discern gan train --data ../shared/data/cifake/train.tar.gz --epochs 10 --out runs/gan
            """)

    @Option(parsing: .upToNextOption, help: "Training data: folders, shards or manifests.") var data: [String]
    @Option(help: "Use only images with this label ('all' for every image).") var label = "REAL"
    @Option(help: "Epochs.") var epochs = 10
    @Option(help: "Image side: 32 or 64.") var size = 32
    @Option(help: "Batch size.") var batch = 128
    @Option(help: "Latent dimension.") var latent = 100
    @Option(help: "Adam learning rate.") var lr = 2e-4
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Use at most this many images (quick runs).") var limit: Int?
    @Option(help: "Run folder.") var out: String

    func config() -> GANConfig {
        var c = GANConfig()
        c.data = data
        c.label = label == "all" ? nil : label
        c.epochs = epochs
        c.size = size
        c.batch = batch
        c.latent = latent
        c.lr = lr
        c.seed = seed
        c.limit = limit
        c.out = out
        return c
    }

    func validate() throws {
        do { try config().validate() } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let trainer = try GANTrainer(config: config())
        let signals = SignalStopper(flag: trainer.stop)
        defer { withExtendedLifetime(signals) {} }
        let decode = ProgressBar(total: 0, label: "decode", unknownTotal: true)
        let dataset = try trainer.loadData { decode.update($0) }
        decode.finish(dataset.count)
        print("training a \(size)x\(size) DCGAN on \(dataset.count) \(label == "all" ? "" : label + " ")images for \(epochs) epochs, output in \(out)")
        var bar: ProgressBar?
        var epoch = 0
        trainer.onBatch = { b, total, d, g in
            if b == 1 { epoch += 1; bar = ProgressBar(total: total, label: "epoch \(epoch)/\(epochs)") }
            bar?.update(b, status: String(format: "D loss %.3f G loss %.3f", d, g))
        }
        trainer.onEpoch = { r in
            print(String(format: "epoch %d: D loss %.4f, G loss %.4f, D(x) %.3f, D(G(z)) %.3f, %.0f s", r.epoch,
                         r.discriminatorLoss, r.generatorLoss, r.dReal, r.dFake, r.seconds))
        }
        try trainer.run(data: dataset)
        print("generator: \(out)/generator.safetensors")
    }
}

struct GANSample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample", abstract: "Write images from a trained generator exactly as CIFAKE files are stored.",
        discussion: """
            Images are baseline JPEGs at quality 75 with 4:2:0 subsampling and standard tables (what Pillow writes by \
            default, and so what every CIFAKE file is), so a detector cannot tell them apart by the container. \
            --out DIR writes DIR/LABEL/gan-SEED-NNNNNN.jpg; --out NAME.tar.gz writes one shard with members \
            gan/LABEL/gan-SEED-NNNNNN.jpg that every Discern command reads.
            Example: discern gan sample --model runs/gan/generator.safetensors --count 2000 --seed 7 --out gan-7.tar.gz
            """)

    @Option(help: "Generator checkpoint (generator.safetensors of a gan train run).") var model: String
    @Option(help: "Number of images.") var count = 1000
    @Option(help: "Latent seed (the same seed gives the same images).") var seed: UInt64 = 0
    @Option(help: "Label folder for the images (FAKE for binary detectors, e.g. GAN for 3-class training).") var label = "FAKE"
    @Option(help: "Output folder, or a .tar.gz shard.") var out: String

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
        guard FileManager.default.fileExists(atPath: model) else { throw ValidationError("\(model): no such generator checkpoint") }
        guard !label.isEmpty, !label.contains("/") else { throw ValidationError("--label must be a plain name") }
    }

    func run() throws {
        let generator: DCGANGenerator
        do { generator = try GANSampler.loadGenerator(URL(fileURLWithPath: model)) } catch let error as GANSampler.NotAGenerator {
            throw ValidationError(error.description)
        }
        let bar = ProgressBar(total: count, label: "sample")
        try GANSampler.writeJPEGs(generator, count: count, seed: seed, label: label, to: out) { bar.update($0) }
        bar.finish(count)
        let size = generator.size
        print("\(count) images (\(size)x\(size) JPEG q75, label \(label), seed \(seed)) -> \(out)")
    }
}
