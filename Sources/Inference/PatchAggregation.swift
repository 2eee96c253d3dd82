import Foundation

/// How the patch scores of one image (`PatchPlan`) become the image's probabilities (issue #31).
///
/// - `meanLogit`: the normalised geometric mean of the patches' class probabilities; for a REAL/FAKE model this is
///   `sigmoid(mean of the patch logits)`, so a few confident patches move the answer as far as their evidence goes
///   and no further.
/// - `topK(fraction)`: the same mean over the `ceil(fraction * n)` patches with the highest p_fake (1 - p_REAL):
///   for images where only part of the frame is generated or edited.
public enum PatchAggregation: Sendable, Equatable, CustomStringConvertible {
    case meanLogit
    case topK(fraction: Double)

    /// Parses `mean-logit` or `top-k:F` (0 < F <= 1).
    public init?(_ spec: String) {
        if spec == "mean-logit" { self = .meanLogit; return }
        guard spec.hasPrefix("top-k:"), let f = Double(spec.dropFirst(6)), f > 0, f <= 1 else { return nil }
        self = .topK(fraction: f)
    }

    /// The spelling `--patch-aggregation` takes: `mean-logit` or `top-k:F`.
    public var description: String {
        switch self {
        case .meanLogit: return "mean-logit"
        case let .topK(f): return "top-k:\(f)"
        }
    }

    /// The image's class probabilities from its patches' (`patches[i]` in class order), with REAL at `realIndex`.
    public func aggregate(_ patches: [[Double]], realIndex: Int) -> [Double] {
        precondition(!patches.isEmpty, "an image has at least one patch")
        var chosen = patches
        if case let .topK(fraction) = self {
            let k = max(1, Int((fraction * Double(patches.count)).rounded(.up)))
            chosen = Array(patches.sorted { $0[realIndex] < $1[realIndex] }.prefix(k))
        }
        let classes = chosen[0].count
        let floor = 1e-12
        let meanLog = (0..<classes).map { c in chosen.reduce(0.0) { $0 + log(max($1[c], floor)) } / Double(chosen.count) }
        let top = meanLog.max()!
        let e = meanLog.map { exp($0 - top) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }
}
