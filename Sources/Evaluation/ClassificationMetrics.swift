import Foundation

/// Metrics of a classifier from true labels and predicted class probabilities.
///
/// Binary problems (classes `[REAL, FAKE]`) treat class 1 (FAKE) as positive: `precision`,
/// `recall` and `f1` are those of FAKE; `rocAUC` ranks images by p_fake.
public struct ClassificationMetrics: Codable, Sendable, Equatable {
    public var n: Int
    public var accuracy: Double
    /// `confusion[true][predicted]`.
    public var confusion: [[Int]]
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// Per class: precision, recall, F1, support.
    public var perClass: [ClassScores]
    public var rocAUC: Double?
    public var loss: Double?
    /// Expected calibration error, 15 bins.
    public var ece: Double
    /// Brier score.
    public var brier: Double
    /// Average precision (binary).
    public var averagePrecision: Double?
    /// Unweighted and support-weighted means of the per-class scores (scikit-learn's "macro avg" / "weighted avg").
    public var macro: ClassScores
    public var weighted: ClassScores

    public struct ClassScores: Codable, Sendable, Equatable {
        public var precision: Double, recall: Double, f1: Double, support: Int
    }

    enum CodingKeys: String, CodingKey {
        case n, accuracy, confusion, precision, recall, f1, loss, ece, brier, macro, weighted
        case averagePrecision = "average_precision"
        case perClass = "per_class", rocAUC = "roc_auc"
    }

    /// - Parameters:
    ///   - probabilities: per image, one probability per class (for binary: `[1 - p, p]`).
    public init(labels: [Int], probabilities: [[Double]], loss: Double? = nil) {
        precondition(labels.count == probabilities.count, "metrics: \(labels.count) labels, \(probabilities.count) predictions")
        let k = max(2, probabilities.first?.count ?? 2)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for (y, p) in zip(labels, probabilities) {
            let predicted = p.indices.max { p[$0] < p[$1] } ?? 0
            confusion[y][predicted] += 1
        }
        n = labels.count
        accuracy = n == 0 ? 0 : Double((0..<k).reduce(0) { $0 + confusion[$1][$1] }) / Double(n)
        self.confusion = confusion
        perClass = (0..<k).map { c in
            let tp = Double(confusion[c][c])
            let predicted = Double((0..<k).reduce(0) { $0 + confusion[$1][c] })
            let actual = confusion[c].reduce(0, +)
            let p = predicted > 0 ? tp / predicted : 0, r = actual > 0 ? tp / Double(actual) : 0
            return ClassScores(precision: p, recall: r, f1: p + r > 0 ? 2 * p * r / (p + r) : 0, support: actual)
        }
        let positive = k == 2 ? perClass[1] : nil
        precision = positive?.precision ?? perClass.map(\.precision).reduce(0, +) / Double(k)
        recall = positive?.recall ?? perClass.map(\.recall).reduce(0, +) / Double(k)
        f1 = positive?.f1 ?? perClass.map(\.f1).reduce(0, +) / Double(k)
        rocAUC = k == 2 ? Self.rocAUC(labels: labels, scores: probabilities.map { $0[1] }) : nil
        self.loss = loss
        ece = Calibration.expectedCalibrationError(labels: labels, probabilities: probabilities)
        brier = ScoreStatistics.brier(labels: labels, probabilities: probabilities)
        averagePrecision = k == 2 ? BinaryCurves(labels: labels, scores: probabilities.map { $0[1] }).averagePrecision : nil
        let total = Double(max(n, 1)), kk = Double(k)
        macro = ClassScores(precision: perClass.map(\.precision).reduce(0, +) / kk, recall: perClass.map(\.recall).reduce(0, +) / kk,
                            f1: perClass.map(\.f1).reduce(0, +) / kk, support: n)
        weighted = ClassScores(precision: perClass.reduce(0) { $0 + $1.precision * Double($1.support) } / total,
                               recall: perClass.reduce(0) { $0 + $1.recall * Double($1.support) } / total,
                               f1: perClass.reduce(0) { $0 + $1.f1 * Double($1.support) } / total, support: n)
    }

    /// Area under the ROC curve: the probability that a random positive outranks a random negative
    /// (ties count half), by sorting once.
    public static func rocAUC(labels: [Int], scores: [Double]) -> Double? {
        let positives = labels.filter { $0 == 1 }.count, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            for t in i...j where labels[order[t]] == 1 { rankSum += averageRank }
            i = j + 1
        }
        return (rankSum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
    }
}
