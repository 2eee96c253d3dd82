import Data
import Foundation
import Imaging
import Models
import Tensor

/// Scoring a labelled dataset at native resolution, for patch models (`Detector.InputMode.patches`), whose images
/// cannot be held at one size as `DecodedDataset` holds them: decoded a bounded chunk at a time (32 MP of header
/// pixels), scored through `Detector.probabilities` (its `PatchPlan`), and only the probabilities kept.
public enum NativeScoring {
    /// One scored image: its calibrated class probabilities, its distance to the training images (when the judge has
    /// a familiarity measure) and the detector that judged it (a size router's small-input detector or the detector
    /// itself), whose temperature, unsure band and familiarity threshold apply to it.
    public struct Score {
        /// Calibrated class probabilities in the judge's `classes` order.
        public let probabilities: [Double]
        /// Familiarity distance, or nil when the judge has no measure.
        public let distance: Double?
        /// The detector that judged the image (its temperature, band and threshold apply).
        public let judge: Detector
    }

    /// Class probabilities of every readable image of `source`, keyed by item path (as `DatasetSource` names it).
    /// `transform`, when given, changes each decoded image first (a robustness perturbation, with the item's index in
    /// reading order). Unreadable items are left out, as `DecodedDataset.load` leaves them out.
    public static func probabilities(_ detector: Detector, source: DatasetSource, maxPixels: Int = JPEGCodec.defaultMaxPixels,
                                     transform: (@Sendable (RGBImage, Int) -> RGBImage)? = nil,
                                     progress: ((Int) -> Void)? = nil) throws -> [String: Score] {
        var out: [String: Score] = [:]
        try forEachDecodedChunk(source, maxPixels: maxPixels, transform: transform, progress: progress) { items, images in
            let p = detector.scores(images)
            for (k, (item, image)) in zip(items, images).enumerated() {
                out[item.path] = Score(probabilities: p[k].probabilities, distance: p[k].distance, judge: detector.route(width: image.width, height: image.height))
            }
        }
        return out
    }

    /// The image-level features (`Detector.imageFeatures`, `[N, D]`) of every readable image of `source`, in reading
    /// order, with their item paths; nil when the detector has no such features (not an EfficientNet-Lite patch model).
    public static func features(_ detector: Detector, source: DatasetSource, maxPixels: Int = JPEGCodec.defaultMaxPixels,
                                progress: ((Int) -> Void)? = nil) throws -> (paths: [String], features: Tensor)? {
        guard detector.hasImageFeatures else { return nil }
        var paths: [String] = [], rows: [Float] = []
        let width = (detector.loaded.model as? PooledFeatureNetwork)?.featureWidth ?? 0
        try forEachDecodedChunk(source, maxPixels: maxPixels, transform: nil, progress: progress) { items, images in
            paths += items.map(\.path)
            rows += detector.imageFeatures(images)!.scalars
        }
        return (paths, Tensor(shape: [paths.count, width], scalars: rows))
    }

    /// Decodes `source` a bounded chunk at a time (256 items, 32 MP of header pixels, 64 MB of files) on all cores and
    /// hands each chunk's readable items and images to `body`.
    private static func forEachDecodedChunk(_ source: DatasetSource, maxPixels: Int, transform: (@Sendable (RGBImage, Int) -> RGBImage)?,
                                            progress: ((Int) -> Void)?, _ body: ([LabeledItem], [RGBImage]) throws -> Void) throws {
        var seen = 0
        try source.forEachChunk(of: 256, pixels: 32_000_000, bytes: 64 << 20) { chunk in
            let first = seen
            seen += chunk.count
            let decoded = Parallel.map(chunk.count) { i -> RGBImage? in
                guard let data = try? chunk[i].1.get(),
                      let image = try? ImageDecoder.decode(data, path: chunk[i].0.path, maxPixels: maxPixels) else { return nil }
                return transform.map { $0(image, first + i) } ?? image
            }
            let readable = decoded.indices.filter { decoded[$0] != nil }
            try body(readable.map { chunk[$0].0 }, readable.map { decoded[$0]! })
            progress?(seen)
        }
    }
}
