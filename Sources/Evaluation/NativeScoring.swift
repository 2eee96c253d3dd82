import Data
import Foundation
import Imaging
import Tensor

/// Scoring a labelled dataset at native resolution, for patch models (`Detector.InputMode.patches`), whose images
/// cannot be held at one size as `DecodedDataset` holds them: decoded a bounded chunk at a time (32 MP of header
/// pixels), scored through `Detector.probabilities` (its `PatchPlan`), and only the probabilities kept.
public enum NativeScoring {
    /// One scored image: its calibrated class probabilities and the detector that judged it (a size router's
    /// small-input detector or the detector itself), whose temperature and unsure band apply to it.
    public struct Score {
        public let probabilities: [Double]
        public let judge: Detector
    }

    /// Class probabilities of every readable image of `source`, keyed by item path (as `DatasetSource` names it).
    /// `transform`, when given, changes each decoded image first (a robustness perturbation, with the item's index in
    /// reading order). Unreadable items are left out, as `DecodedDataset.load` leaves them out.
    public static func probabilities(_ detector: Detector, source: DatasetSource, maxPixels: Int = JPEGCodec.defaultMaxPixels,
                                     transform: (@Sendable (RGBImage, Int) -> RGBImage)? = nil,
                                     progress: ((Int) -> Void)? = nil) throws -> [String: Score] {
        var out: [String: Score] = [:]
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
            let p = detector.probabilities(readable.map { decoded[$0]! })
            for (k, i) in readable.enumerated() {
                let image = decoded[i]!
                out[chunk[i].0.path] = Score(probabilities: p[k], judge: detector.route(width: image.width, height: image.height))
            }
            progress?(seen)
        }
        return out
    }
}
