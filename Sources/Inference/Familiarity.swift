import Foundation
import NN
import Tensor

/// How far an image is from everything a detector was trained on, and when that is too far to trust its pixel score.
///
/// The measure is the deep nearest-neighbour out-of-distribution score of Sun, Ming, Zhu and Li, "Out-of-Distribution
/// Detection with Deep Nearest Neighbors" (ICML 2022): the Euclidean distance, between L2-normalised feature vectors,
/// from an image to its `k`-th nearest reference image. Features are the network's own pooled features (EfficientNet-Lite:
/// the 1280 values before the classifier), averaged over an image's patches. The reference images are the detector's
/// training images; `threshold` is fitted on held-out images of the same sources (`fit`), so that a chosen small share
/// of familiar images lies beyond it. An image beyond it (a screenshot, a drawing, an icon: content far from camera
/// photos and from the generators' images the model saw) is "unfamiliar", and `Detector` answers UNSURE for it rather
/// than a confident REAL or FAKE.
///
/// Stored in a checkpoint as the tensor `detector/familiarity.reference` (`[M, D]`, rows of unit length) and the
/// metadata `familiarity_k`, `familiarity_threshold`, `familiarity_data`; `discern familiarity` writes them.
public struct Familiarity: @unchecked Sendable {
    /// Reference features `[M, D]`, each row of unit length.
    public let reference: Tensor
    /// Which nearest neighbour's distance is the score (1 = the nearest).
    public let k: Int
    /// Distances above this are unfamiliar. Distances lie in 0...2 (unit vectors).
    public let threshold: Double
    /// The reference transposed, `[D, M]`, for one matrix product per batch.
    private let referenceT: Tensor

    /// The checkpoint tensor holding `reference`.
    public static let tensorName = Checkpoint.detectorPrefix + "familiarity.reference"

    /// A familiarity measure over `reference` (`[M, D]`, rows normalised here); `k` must be at most M.
    public init(reference: Tensor, k: Int, threshold: Double) {
        precondition(reference.rank == 2 && (1...reference.shape[0]).contains(k), "familiarity: k \(k) of reference \(reference.shape)")
        self.reference = Self.normalisedRows(reference)
        self.k = k
        self.threshold = threshold
        referenceT = self.reference.transposed()
    }

    /// The measure a checkpoint stores (nil when it has none).
    public init?(tensors: [String: Tensor], metadata: CheckpointMetadata) {
        guard let reference = tensors[Self.tensorName], reference.rank == 2, reference.shape[0] >= 1,
              let k = metadata.familiarityK, (1...reference.shape[0]).contains(k),
              let threshold = metadata.familiarityThreshold else { return nil }
        self.init(reference: reference, k: k, threshold: threshold)
    }

    /// Sets the metadata fields that, with `reference` under `tensorName`, store this measure (fitted on `data`).
    public func store(in metadata: inout CheckpointMetadata, data: String) {
        (metadata.familiarityK, metadata.familiarityThreshold, metadata.familiarityData) = (k, threshold, data)
    }

    /// Distance from each row of `features` (`[N, D]`, any length) to its `k`-th nearest reference row.
    public func distances(_ features: Tensor) -> [Double] {
        precondition(features.rank == 2 && features.shape[1] == reference.shape[1], "familiarity: features \(features.shape), reference \(reference.shape)")
        guard features.shape[0] > 0 else { return [] }
        let cosines = GradMode.withoutGrad { Self.normalisedRows(features).matmul(referenceT) }
        return Self.kthNearest(cosines, k: k, skipSelf: false)
    }

    /// Whether `distance` is beyond the threshold.
    public func isUnfamiliar(_ distance: Double) -> Bool { distance > threshold }

    /// The measure over `reference` with the threshold at the `1 - maxShare` quantile of `heldOut`'s distances (so that
    /// at most `maxShare` of the held-out images, which come from the same sources as the reference, are unfamiliar).
    /// Returns the measure and the held-out distances.
    public static func fit(reference: Tensor, heldOut: Tensor, k: Int, maxShare: Double) -> (Familiarity, heldOut: [Double]) {
        let distances = Familiarity(reference: reference, k: k, threshold: .infinity).distances(heldOut)
        let d = distances.sorted()
        // Midway between the last held-out distance let in and the first left out (so that the last bits of a batched
        // forward pass cannot move an image across); with none left out, the largest distance.
        let allowed = min(Int((maxShare * Double(d.count)).rounded(.down)), d.count - 1)
        let threshold = d.isEmpty ? .infinity : allowed == 0 ? d[d.count - 1] : (d[d.count - 1 - allowed] + d[d.count - allowed]) / 2
        return (Familiarity(reference: reference, k: k, threshold: threshold), distances)
    }

    /// Distances of each reference row to its `k`-th nearest other reference row (itself left out): how spread the
    /// reference is, for reports.
    public func leaveOneOutDistances() -> [Double] {
        guard reference.shape[0] > k else { return [] }
        let cosines = GradMode.withoutGrad { reference.matmul(referenceT) }
        return Self.kthNearest(cosines, k: k, skipSelf: true)
    }

    /// Per row of `cosines` (`[N, M]`), the distance sqrt(2 - 2 cos) to the `k`-th largest cosine; with `skipSelf`, row
    /// i's own column i is left out.
    private static func kthNearest(_ cosines: Tensor, k: Int, skipSelf: Bool) -> [Double] {
        let (n, m) = (cosines.shape[0], cosines.shape[1])
        let p = cosines.pointer
        return (0..<n).map { i in
            var row = Array(UnsafeBufferPointer(start: p + i * m, count: m))
            if skipSelf { row.remove(at: i) }
            // Partial selection would do; M is a few thousand at most.
            row.sort(by: >)
            let c = Double(row[min(k, row.count) - 1])
            return (max(0, 2 - 2 * c)).squareRoot()
        }
    }

    /// `x` (`[N, D]`) with each row scaled to unit length (zero rows stay zero).
    static func normalisedRows(_ x: Tensor) -> Tensor {
        let (n, d) = (x.shape[0], x.shape[1])
        var out = x.scalars
        for i in 0..<n {
            var s: Float = 0
            for j in 0..<d { s += out[i * d + j] * out[i * d + j] }
            let scale: Float = s > 0 ? 1 / s.squareRoot() : 0
            for j in 0..<d { out[i * d + j] *= scale }
        }
        return Tensor(shape: [n, d], scalars: out)
    }
}
