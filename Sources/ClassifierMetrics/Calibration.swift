import Foundation

/// Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017) and the
/// unsure band, fitted on held-out data, plus the expected calibration error.
public enum Calibration {
    /// The temperature T > 0 minimising the negative log-likelihood of `labels` under
    /// sigmoid(logit / T), by golden-section search on log T in [1/20, 20].
    public static func fitTemperature(logits: [Double], labels: [Int]) -> Double {
        func nll(_ logT: Double) -> Double {
            let t = exp(logT)
            return zip(logits, labels).reduce(0) { acc, pair in
                let z = pair.0 / t
                // log(1 + e^-z) for y = 1, log(1 + e^z) for y = 0, stably.
                let s = pair.1 == 1 ? -z : z
                return acc + max(s, 0) + log1p(exp(-abs(s)))
            }
        }
        var (a, b) = (log(1.0 / 20), log(20.0))
        let g = (sqrt(5.0) - 1) / 2
        var c = b - g * (b - a), d = a + g * (b - a)
        for _ in 0..<80 {
            if nll(c) < nll(d) { b = d } else { a = c }
            c = b - g * (b - a); d = a + g * (b - a)
        }
        return exp((a + b) / 2)
    }

    /// A band (0.5 - h, 0.5 + h) that holds at most `maxShare` of `probabilities`: the widest, less half the gap
    /// to the next probability out.
    public static func unsureBand(probabilities: [Double], maxShare: Double = 0.05) -> ClosedRange<Double> {
        let distances = probabilities.map { abs($0 - 0.5) }.sorted()
        let allowed = Int((Double(distances.count) * maxShare).rounded(.down))
        guard allowed > 0, allowed < distances.count else { return 0.5...0.5 }
        // The edge lies halfway between the last distance let in and the first kept out, so the images on
        // either side stay there when p_fake is recomputed later with other rounding (Float inference).
        let h = (distances[allowed - 1] + distances[allowed]) / 2
        return (0.5 - h)...(0.5 + h)
    }

    /// Expected calibration error with `bins` equal-width bins of the predicted class's confidence.
    public static func expectedCalibrationError(labels: [Int], probabilities: [[Double]], bins: Int = 15) -> Double {
        var count = [Int](repeating: 0, count: bins), confidence = [Double](repeating: 0, count: bins), correct = [Double](repeating: 0, count: bins)
        for (y, p) in zip(labels, probabilities) {
            let predicted = p.indices.max { p[$0] < p[$1] } ?? 0
            let conf = p[predicted]
            let b = min(bins - 1, Int(conf * Double(bins)))
            count[b] += 1
            confidence[b] += conf
            correct[b] += predicted == y ? 1 : 0
        }
        let n = Double(max(labels.count, 1))
        return (0..<bins).reduce(0) { $0 + (count[$1] == 0 ? 0 : abs(confidence[$1] - correct[$1]) / n) }
    }
}
