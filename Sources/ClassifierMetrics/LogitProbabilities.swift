import Foundation

/// Class probabilities from a classifier's logits: the one place a logit becomes a probability (the detector's
/// `Predictor`, `discern calibrate` and the linear SVM's margins all go through it).
public enum LogitProbabilities {
    /// `[1 - p, p]` with `p = sigmoid(logit / temperature)`: a binary model's one logit (index 1 is the positive class).
    public static func binary(logit: Double, temperature: Double = 1) -> [Double] {
        let p = 1 / (1 + exp(-logit / temperature))
        return [1 - p, p]
    }

    /// Softmax of `logits / temperature`, computed after subtracting the largest (no overflow); sums to 1.
    public static func softmax(_ logits: [Double], temperature: Double = 1) -> [Double] {
        let row = logits.map { $0 / temperature }
        let m = row.max() ?? 0
        let e = row.map { exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }
}
