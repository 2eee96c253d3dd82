import Foundation

/// ROC and precision-recall curves of a binary scorer, as scikit-learn computes them
/// (`roc_curve` with all thresholds, `precision_recall_curve`, `average_precision_score`).
public struct BinaryCurves: Codable, Sendable {
    /// (false positive rate, true positive rate), from (0, 0) to (1, 1).
    public var roc: [Point]
    /// (recall, precision), recall decreasing to 0 with precision 1 appended.
    public var pr: [Point]
    /// AP = sum over thresholds of (R_n - R_{n-1}) * P_n.
    public var averagePrecision: Double

    /// One curve point: (false positive rate, true positive rate) on `roc`, (recall, precision) on `pr`; each 0...1.
    public struct Point: Codable, Sendable, Equatable { public var x: Double, y: Double }

    enum CodingKeys: String, CodingKey { case roc, pr, averagePrecision = "average_precision" }

    /// Computes both curves and the average precision, one point per distinct score (ties form one step).
    /// - Parameters:
    ///   - labels: 1 for a positive (FAKE) image, anything else for a negative one.
    ///   - scores: Per image, the score ranked by (e.g. p_fake); higher means more positive.
    public init(labels: [Int], scores: [Double]) {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let positives = Double(labels.filter { $0 == 1 }.count), negatives = Double(labels.count) - positives
        var tp = 0.0, fp = 0.0
        var roc = [Point(x: 0, y: 0)]
        var prPoints: [Point] = []  // (recall, precision) in order of decreasing threshold
        var i = 0
        while i < order.count {
            let threshold = scores[order[i]]
            while i < order.count && scores[order[i]] == threshold {
                if labels[order[i]] == 1 { tp += 1 } else { fp += 1 }
                i += 1
            }
            roc.append(Point(x: negatives > 0 ? fp / negatives : 0, y: positives > 0 ? tp / positives : 0))
            prPoints.append(Point(x: positives > 0 ? tp / positives : 0, y: tp / (tp + fp)))
        }
        self.roc = roc
        var ap = 0.0, lastRecall = 0.0
        for p in prPoints {
            ap += (p.x - lastRecall) * p.y
            lastRecall = p.x
        }
        averagePrecision = ap
        // scikit-learn's curve stops at full recall and ends with (0, 1).
        var pr = prPoints
        if let full = pr.firstIndex(where: { $0.x >= 1 }) { pr = Array(pr[...full]) }
        self.pr = pr.reversed() + [Point(x: 0, y: 1)]
    }
}

/// Statistics that need resampling or squared errors.
public enum ScoreStatistics {
    /// Mean of (p_fake - y)² (binary) or of the summed squared error over classes (multi-class).
    public static func brier(labels: [Int], probabilities: [[Double]]) -> Double {
        let k = probabilities.first?.count ?? 2
        let total = zip(labels, probabilities).reduce(0.0) { acc, pair in
            if k == 2 { return acc + pow(pair.1[1] - Double(pair.0), 2) }
            return acc + pair.1.enumerated().reduce(0) { $0 + pow($1.element - ($1.offset == pair.0 ? 1 : 0), 2) }
        }
        return total / Double(max(labels.count, 1))
    }

    /// Mean negative log-likelihood of the true class, probabilities clipped to [eps, 1 - eps] with
    /// eps = Double.ulpOfOne (scikit-learn's `log_loss` default).
    public static func logLoss(labels: [Int], probabilities: [[Double]]) -> Double {
        let eps = Double.ulpOfOne
        return zip(labels, probabilities).reduce(0.0) { $0 - log(min(max($1.1[$1.0], eps), 1 - eps)) } / Double(max(labels.count, 1))
    }

    /// 95 % percentile-bootstrap intervals for accuracy and (binary) ROC-AUC from `resamples` seeded resamples.
    public static func bootstrap(labels: [Int], probabilities: [[Double]], resamples: Int = 1000, seed: UInt64 = 0)
        -> (accuracy: ClosedRange<Double>, auc: ClosedRange<Double>?) {
        let n = labels.count
        guard n > 1 else { return (0...1, nil) }
        let predicted = probabilities.map { p in p.indices.max { p[$0] < p[$1] } ?? 0 }
        var state = seed
        func next() -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
        var accs: [Double] = [], aucs: [Double] = []
        let binary = probabilities.first?.count == 2
        for _ in 0..<resamples {
            var l = [Int](), s = [Double](), correct = 0
            l.reserveCapacity(n); s.reserveCapacity(n)
            for _ in 0..<n {
                let j = next()
                if predicted[j] == labels[j] { correct += 1 }
                if binary { l.append(labels[j]); s.append(probabilities[j][1]) }
            }
            accs.append(Double(correct) / Double(n))
            if binary, let a = ClassificationMetrics.rocAUC(labels: l, scores: s) { aucs.append(a) }
        }
        func interval(_ v: [Double]) -> ClosedRange<Double> {
            let s = v.sorted()
            return s[Int(0.025 * Double(s.count - 1))]...s[Int(0.975 * Double(s.count - 1))]
        }
        return (interval(accs), aucs.isEmpty ? nil : interval(aucs))
    }
}
