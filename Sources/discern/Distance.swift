import ArgumentParser
import Data
import Evaluation
import Foundation
import Inference
import Models
import Tensor

/// `discern distance`: Fréchet distance and an Inception-style score between two image sets.
struct Distance: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fréchet distance between two image sets, and an Inception-style score of each, in EfficientNet-Lite ImageNet space.",
        discussion: """
            The features are EfficientNet-Lite0's pooled 1280-d ImageNet features at --input-size, so the distance is \
            reported as FD-effnet-lite0-imagenet-pool1280@SIZE, not FID (which means Inception-v3 features; the two are \
            not comparable). The score is exp(E KL(p(y|x) || p(y))) over EfficientNet-Lite0's 1000 ImageNet classes \
            (IS-effnet-lite0). --model effnet-lite1 or effnet-lite2 uses that network instead, and names it. Labels in the \
            inputs are ignored.
            Example: discern distance --a ../shared/data/cifake/test.tar.gz --b runs/gan-samples.tar.gz
            """)

    @Option(parsing: .upToNextOption, help: "First image set: folders, shards or manifests.") var a: [String]
    @Option(parsing: .upToNextOption, help: "Second image set.") var b: [String]
    @Option(help: "Side length the images are resized to.") var inputSize = 64
    @Option(help: "Use at most this many images of each set (seeded choice; 0 = all).") var limit = 10_000
    @OptionGroup var network: PretrainedNetworkOptions
    @Option(help: "table or json.") var format = "table"

    func validate() throws {
        guard ["table", "json"].contains(format) else { throw ValidationError("--format must be table or json") }
        guard (16...512).contains(inputSize), limit >= 0 else { throw ValidationError("--input-size must be in 16...512 and --limit >= 0") }
    }

    func run() throws {
        let extractor = try network.extractor(inputSize: inputSize)
        func load(_ paths: [String], _ name: String) throws -> (Tensor, [[Double]], Int) {
            var ds = try DecodedDataset.load(DatasetSource(paths: paths), size: inputSize)
            for f in ds.failures { FileHandle.standardError.write(Data("discern: \(f.path): \(f.error)\n".utf8)) }
            if limit > 0 && ds.count > limit {
                var rng = SplitMix64(seed: 0)
                var idx = Array(0..<ds.count)
                idx.shuffle(using: &rng)
                ds = ds.subset(Array(idx.prefix(limit)).sorted())
            }
            guard ds.count >= 2 else { throw ValidationError("set \(name) has \(ds.count) readable images; need at least 2") }
            let bar = ProgressBar(total: ds.count, label: "features \(name)")
            let f = extractor.features(ds) { bar.update($0) }
            bar.finish(ds.count)
            let logits = GradMode.withoutGrad { extractor.network.fc(f) }
            return (f, Predictor.probabilities(logits: logits), ds.count)
        }
        let (fa, pa, na) = try load(a, "a"), (fb, pb, nb) = try load(b, "b")
        let fd = try ImageSetDistance.frechet(fa, fb)
        let isA = ImageSetDistance.inceptionStyleScore(pa), isB = ImageSetDistance.inceptionStyleScore(pb)
        let fdName = "FD-\(extractor.space)", isName = "IS-effnet-\(extractor.network.variant.name)-imagenet@\(inputSize)"
        if format == "json" {
            let obj: [String: Any] = ["metric": fdName, "fd": fd, "score_name": isName, "score_a": isA, "score_b": isB, "n_a": na, "n_b": nb]
            print(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(String(format: "%@ between a (%d images) and b (%d images): %.3f", fdName, na, nb, fd))
            print(String(format: "%@: a %.3f, b %.3f", isName, isA, isB))
        }
    }
}
