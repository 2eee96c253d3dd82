import Foundation

/// Metrics of a classifier from true labels and predicted class probabilities.
///
/// Binary problems (classes `[REAL, FAKE]`) treat class 1 (FAKE) as positive: `precision`,
/// `recall` and `f1` are those of FAKE; `rocAUC` ranks images by p_fake. With more classes they are
/// macro means, and `rocAUC` is the mean of each class's one-against-the-rest ROC-AUC (scikit-learn's
/// `roc_auc_score(..., multi_class="ovr", average="macro")`).
public struct ClassificationMetrics: Codable, Sendable, Equatable {
    /// Number of images scored.
    public var n: Int
    /// Share of images whose most probable class is the true one, 0...1 (0 when `n` is 0).
    public var accuracy: Double
    /// `confusion[true][predicted]`.
    public var confusion: [[Int]]
    /// Precision, 0...1: FAKE's for two classes, else the macro mean over classes.
    public var precision: Double
    /// Recall, 0...1: FAKE's for two classes, else the macro mean over classes.
    public var recall: Double
    /// F1 score, 0...1: FAKE's for two classes, else the macro mean over classes.
    public var f1: Double
    /// Per class: precision, recall, F1, support.
    public var perClass: [ClassScores]
    /// Binary: by p_fake. More classes: the macro mean of `perClass[c].rocAUC`. Nil when a class has no images.
    public var rocAUC: Double?
    /// The mean loss the caller measured on these images (e.g. negative log-likelihood), or nil when not given.
    public var loss: Double?
    /// Expected calibration error, 15 bins.
    public var ece: Double
    /// Brier score.
    public var brier: Double
    /// Average precision (binary).
    public var averagePrecision: Double?
    /// Unweighted and support-weighted means of the per-class scores (scikit-learn's "macro avg" / "weighted avg").
    public var macro: ClassScores
    /// Support-weighted means of the per-class scores (scikit-learn's "weighted avg").
    public var weighted: ClassScores

    /// Precision, recall, F1, support and ROC-AUC of one class, or a mean over classes.
    public struct ClassScores: Codable, Sendable, Equatable {
        /// Precision, recall and F1 (each 0...1; 0 when undefined), and support (images whose true class it is).
        public var precision: Double, recall: Double, f1: Double, support: Int
        /// Per class: the ROC-AUC of p_class for this class against all others. In `macro` / `weighted`: their
        /// unweighted / support-weighted mean. Nil when the class (or every other class) has no images.
        public var rocAUC: Double?

        enum CodingKeys: String, CodingKey {
            case precision, recall, f1, support
            case rocAUC = "roc_auc"
        }
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
            return ClassScores(precision: p, recall: r, f1: p + r > 0 ? 2 * p * r / (p + r) : 0, support: actual,
                               rocAUC: Self.rocAUC(labels: labels.map { $0 == c ? 1 : 0 }, scores: probabilities.map { $0[c] }))
        }
        let aucs = perClass.compactMap(\.rocAUC), everyAUC = aucs.count == k
        let positive = k == 2 ? perClass[1] : nil
        precision = positive?.precision ?? perClass.map(\.precision).reduce(0, +) / Double(k)
        recall = positive?.recall ?? perClass.map(\.recall).reduce(0, +) / Double(k)
        f1 = positive?.f1 ?? perClass.map(\.f1).reduce(0, +) / Double(k)
        rocAUC = k == 2 ? perClass[1].rocAUC : everyAUC ? aucs.reduce(0, +) / Double(k) : nil
        self.loss = loss
        ece = Calibration.expectedCalibrationError(labels: labels, probabilities: probabilities)
        brier = ScoreStatistics.brier(labels: labels, probabilities: probabilities)
        averagePrecision = k == 2 ? BinaryCurves(labels: labels, scores: probabilities.map { $0[1] }).averagePrecision : nil
        let total = Double(max(n, 1)), kk = Double(k)
        macro = ClassScores(precision: perClass.map(\.precision).reduce(0, +) / kk, recall: perClass.map(\.recall).reduce(0, +) / kk,
                            f1: perClass.map(\.f1).reduce(0, +) / kk, support: n, rocAUC: everyAUC ? aucs.reduce(0, +) / kk : nil)
        weighted = ClassScores(precision: perClass.reduce(0) { $0 + $1.precision * Double($1.support) } / total,
                               recall: perClass.reduce(0) { $0 + $1.recall * Double($1.support) } / total,
                               f1: perClass.reduce(0) { $0 + $1.f1 * Double($1.support) } / total, support: n,
                               rocAUC: everyAUC ? perClass.reduce(0) { $0 + $1.rocAUC! * Double($1.support) } / total : nil)
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
