import Data
import Foundation
import Imaging
import Models
import NN
import Plots
import Tensor

/// Settings of a DCGAN run (saved as `gan_config.json` in the run folder).
public struct GANConfig: Codable, Sendable, Equatable {
    /// Training images: folders, tar shards or manifests.
    public var data: [String] = []
    /// Train on images of this class only (the REAL photos by default); nil = all images.
    public var label: String? = "REAL"
    /// Epochs and batch size (at least 2).
    public var epochs = 10
    /// See `epochs`.
    public var batch = 128
    /// 32 or 64.
    public var size = 32
    /// Length of the latent vector z.
    public var latent = 100
    /// Adam 2e-4, beta1 0.5: the DCGAN paper's recipe.
    public var lr = 2e-4
    /// Adam's beta1 for both networks.
    public var beta1 = 0.5
    /// Seed of the weights, the order and the latent draws.
    public var seed: UInt64 = 0
    /// Run folder.
    public var out = "runs/gan"
    /// Use at most this many images (quick runs).
    public var limit: Int?

    /// The defaults above.
    public init() {}

    /// Throws `TrainingError.invalidConfig` naming the first bad field.
    public func validate() throws {
        func fail(_ m: String) throws { throw TrainingError.invalidConfig(m) }
        if data.isEmpty { try fail("no training data (--data)") }
        if ![32, 64].contains(size) { try fail("size must be 32 or 64") }
        if epochs <= 0 || batch <= 1 { try fail("epochs must be positive and batch at least 2") }
        if latent <= 0 || !(lr > 0) { try fail("latent and lr must be positive") }
    }
}

/// One epoch of a GAN run: mean losses and mean discriminator outputs on real and generated images.
public struct GANEpochRecord: Codable, Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean discriminator and generator BCE losses over the epoch.
    public var discriminatorLoss: Double
    /// See `discriminatorLoss`.
    public var generatorLoss: Double
    /// Mean D(x) on real images and D(G(z)) on generated ones (probabilities), before the D step.
    public var dReal: Double
    /// See `dReal`.
    public var dFake: Double
    /// Wall time of the epoch in seconds.
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case epoch, seconds
        case discriminatorLoss = "d_loss", generatorLoss = "g_loss", dReal = "d_real", dFake = "d_fake"
    }
}

/// Trains a DCGAN (`DCGANGenerator` / `DCGANDiscriminator`) with the standard alternating updates:
/// one discriminator step on a real and a generated batch (BCE, targets 1 and 0), then one generator
/// step with the non-saturating loss (BCE of D(G(z)) against 1). Writes, in `out`: `samples-EEE.png`
/// (a fixed-latent 8x8 grid per epoch), `losses.png` / `losses.svg`, `gan_metrics.jsonl`,
/// `generator.safetensors` + `generator-epochN.safetensors` and `discriminator.safetensors` (every epoch).
public final class GANTrainer {
    /// The run's settings.
    public let config: GANConfig
    /// Set from a signal handler: the run saves after the current batch and returns.
    public let stop = StopFlag()
    /// Called after each batch with (batch, batches, d_loss, g_loss) running means.
    public var onBatch: ((Int, Int, Double, Double) -> Void)?
    /// Called after each epoch.
    public var onEpoch: ((GANEpochRecord) -> Void)?

    /// A trainer for `config` (validated here).
    public init(config: GANConfig) throws {
        try config.validate()
        self.config = config
    }

    var runFolder: RunFolder { RunFolder(config.out) }

    /// Decodes the training images (only `config.label` when set).
    public func loadData(progress: ((Int) -> Void)? = nil) throws -> DecodedDataset {
        let all = try DecodedDataset.load(DatasetSource(paths: config.data), size: config.size, progress: progress)
        var indices = Array(0..<all.count)
        if let label = config.label {
            guard let c = all.classes.index(of: label) else {
                throw TrainingError.invalidConfig("no images labelled \(label) in the data (labels: \(all.classes.names.joined(separator: ", ")))")
            }
            indices = indices.filter { all.labels[$0] == c }
        }
        if let limit = config.limit, limit < indices.count {
            var rng = SplitMix64(seed: config.seed)
            indices.shuffle(using: &rng)
            indices = Array(indices.prefix(limit)).sorted()
        }
        guard indices.count >= config.batch else {
            throw TrainingError.invalidConfig("\(indices.count) training images, fewer than one batch of \(config.batch)")
        }
        return indices.count == all.count ? all : all.subset(indices)
    }

    /// Runs every epoch; returns the per-epoch records.
    @discardableResult
    public func run(data: DecodedDataset) throws -> [GANEpochRecord] {
        try runFolder.create()
        try runFolder.writeJSON(config, to: "gan_config.json")
        runFolder.remove("gan_metrics.jsonl")

        var rng = SplitMix64(seed: config.seed)
        let generator = DCGANGenerator(latent: config.latent, size: config.size, using: &rng)
        let discriminator = DCGANDiscriminator(size: config.size, using: &rng)
        let optG = Adam(parameters: generator.parameters(), learningRate: Float(config.lr), beta1: Float(config.beta1))
        let optD = Adam(parameters: discriminator.parameters(), learningRate: Float(config.lr), beta1: Float(config.beta1))
        let fixedLatent = GANSampler.latent(count: 64, dimension: config.latent, seed: config.seed &+ 99)
        let loader = BatchLoader(dataset: data, batchSize: config.batch, shuffle: true, seed: config.seed,
                                 augmentation: try Augmentation("hflip"), dropLast: true)
        var noise = SplitMix64(seed: config.seed &+ 7)
        var records: [GANEpochRecord] = []
        for epoch in 0..<config.epochs {
            let started = Date()
            generator.setTraining(true)
            discriminator.setTraining(true)
            var sums = (d: 0.0, g: 0.0, real: 0.0, fake: 0.0), steps = 0
            for batch in loader.batches(epoch: epoch) {
                let n = batch.labels.count
                let real = batch.images * 2 - 1
                let z = Tensor(shape: [n, config.latent], scalars: (0..<(n * config.latent)).map { _ in noise.nextGaussian() })
                let fake = generator(z)
                // Discriminator step: real -> 1, generated (no gradient into G) -> 0.
                let dReal = discriminator(real), dFake = discriminator(fake.detached())
                let lossD = Loss.binaryCrossEntropy(logits: dReal, targets: .init(repeating: 1, count: n))
                    + Loss.binaryCrossEntropy(logits: dFake, targets: .init(repeating: 0, count: n))
                optD.zeroGrad()
                lossD.backward()
                optD.step()
                // Generator step: make D call the generated batch real.
                let lossG = Loss.binaryCrossEntropy(logits: discriminator(fake), targets: .init(repeating: 1, count: n))
                optG.zeroGrad()
                optD.zeroGrad()
                lossG.backward()
                optG.step()
                optD.zeroGrad()
                steps += 1
                sums.d += Double(lossD.item)
                sums.g += Double(lossG.item)
                sums.real += dReal.scalars.reduce(0.0) { $0 + 1 / (1 + exp(-Double($1))) } / Double(n)
                sums.fake += dFake.scalars.reduce(0.0) { $0 + 1 / (1 + exp(-Double($1))) } / Double(n)
                onBatch?(steps, loader.batchCount, sums.d / Double(steps), sums.g / Double(steps))
                if stop.isSet { break }
            }
            let s = Double(max(steps, 1))
            let record = GANEpochRecord(epoch: epoch + 1, discriminatorLoss: sums.d / s, generatorLoss: sums.g / s,
                                        dReal: sums.real / s, dFake: sums.fake / s, seconds: Date().timeIntervalSince(started))
            records.append(record)
            try runFolder.appendJSONLine(record, to: "gan_metrics.jsonl")
            try save(generator, discriminator, epoch: epoch + 1)
            try GANSampler.grid(generator, latent: fixedLatent, title: "DCGAN samples, epoch \(epoch + 1)",
                                to: runFolder.file(String(format: "samples-%03d.png", epoch + 1)))
            try writeLossCurves(records)
            onEpoch?(record)
            if stop.isSet { break }
        }
        return records
    }

    private func save(_ g: DCGANGenerator, _ d: DCGANDiscriminator, epoch: Int) throws {
        let meta = ["architecture": "dcgan-generator", "latent": String(config.latent), "size": String(config.size),
                    "epoch": String(epoch), "seed": String(config.seed), "data": config.data.joined(separator: " ")]
        try Checkpoint.save(g, metadata: meta, to: runFolder.file("generator.safetensors"))
        // Every epoch's generator is kept too: fakes from an epoch not used for training data are a held-out generator.
        try Checkpoint.save(g, metadata: meta, to: runFolder.file("generator-epoch\(epoch).safetensors"))
        var dmeta = meta
        dmeta["architecture"] = "dcgan-discriminator"
        try Checkpoint.save(d, metadata: dmeta, to: runFolder.file("discriminator.safetensors"))
    }

    private func writeLossCurves(_ records: [GANEpochRecord]) throws {
        let losses = LineChart(title: "DCGAN losses", xLabel: "epoch", yLabel: "BCE", series: [
            .init(name: "discriminator", points: records.map { (Double($0.epoch), $0.discriminatorLoss) }, color: LineChart.blue),
            .init(name: "generator", points: records.map { (Double($0.epoch), $0.generatorLoss) }, color: LineChart.orange),
        ])
        let outputs = LineChart(title: "Discriminator outputs", xLabel: "epoch", yLabel: "mean D", series: [
            .init(name: "D(x) real", points: records.map { (Double($0.epoch), $0.dReal) }, color: LineChart.green),
            .init(name: "D(G(z)) generated", points: records.map { (Double($0.epoch), $0.dFake) }, color: LineChart.red),
        ], yRange: 0...1)
        for ext in ["png", "svg"] { try LineChart.render([losses, outputs], to: runFolder.file("losses.\(ext)")) }
    }
}
