import Data
import Foundation
import Inference
import Tensor

/// Two image sets compared in a pretrained network's feature space (what `discern distance` reports): the Fréchet
/// distance between their pooled features and an Inception-style score of each, both named by the space they are in.
public struct ImageSetComparison: Codable, Equatable, Sendable {
    /// The distance's name, e.g. `FD-effnet-lite0-imagenet-pool1280@64` (not FID, which means Inception-v3 features).
    public var metric: String
    /// The Fréchet distance.
    public var fd: Double
    /// The score's name, e.g. `IS-effnet-lite0-imagenet@64`.
    public var scoreName: String
    /// exp(E KL(p(y|x) || p(y))) of each set over the network's 1000 ImageNet classes.
    public var scoreA: Double, scoreB: Double
    /// Images of each set used.
    public var countA: Int, countB: Int

    enum CodingKeys: String, CodingKey {
        case metric, fd, scoreName = "score_name", scoreA = "score_a", scoreB = "score_b", countA = "n_a", countB = "n_b"
    }

    /// Too few readable images in a set.
    public struct TooFewImages: Error, CustomStringConvertible, Equatable {
        /// The set's name and its readable images.
        public var set: String, count: Int
        /// One line for the user.
        public var description: String { "set \(set) has \(count) readable images; need at least 2" }
    }

    /// Compares sets `a` and `b` (folders, shards or manifests; labels ignored) through `extractor`, each limited to a
    /// seeded choice of `limit` images (0 = all). `failure(path, error)` hears each unreadable image; `progress(set,
    /// done, total)` the feature extraction.
    public static func compare(_ a: [String], _ b: [String], extractor: FeatureExtractor, limit: Int,
                               failure: (String, String) -> Void = { _, _ in },
                               progress: ((String, Int, Int) -> Void)? = nil) throws -> ImageSetComparison {
        func load(_ paths: [String], _ name: String) throws -> (Tensor, [[Double]], Int) {
            var ds = try DecodedDataset.load(DatasetSource(paths: paths), size: extractor.inputSize)
            for f in ds.failures { failure(f.path, "\(f.error)") }
            if limit > 0 && ds.count > limit {
                var rng = SplitMix64(seed: 0)
                var idx = Array(0..<ds.count)
                idx.shuffle(using: &rng)
                ds = ds.subset(Array(idx.prefix(limit)).sorted())
            }
            guard ds.count >= 2 else { throw TooFewImages(set: name, count: ds.count) }
            let total = ds.count
            let f = extractor.features(ds) { progress?(name, $0, total) }
            let logits = GradMode.withoutGrad { extractor.network.fc(f) }
            return (f, Predictor.probabilities(logits: logits), ds.count)
        }
        let (fa, pa, na) = try load(a, "a"), (fb, pb, nb) = try load(b, "b")
        return ImageSetComparison(
            metric: "FD-\(extractor.space)", fd: try ImageSetDistance.frechet(fa, fb),
            scoreName: "IS-effnet-\(extractor.network.variant.name)-imagenet@\(extractor.inputSize)",
            scoreA: ImageSetDistance.inceptionStyleScore(pa), scoreB: ImageSetDistance.inceptionStyleScore(pb), countA: na, countB: nb)
    }
}
