import CLinear
import ClassifierMetrics
import Foundation
import NN
import Tensor

/// A linear SVM over feature vectors, trained by LIBLINEAR (Fan et al., JMLR 2008; Debian's
/// `liblinear-dev`): L2-regularised L2-loss support vector classification, one-vs-rest for more than
/// two classes. Features are standardised (per-dimension mean and standard deviation of the training
/// set) before training and prediction. Scores are one decision value per class; the verdict is the argmax.
public struct LinearSVM: Sendable {
    /// Class names, index = class id.
    public let classes: [String]
    /// Standardisation: `(x - mean) / scale` per feature dimension.
    public let mean: [Float], scale: [Float]
    /// `[classes][features]` decision weights (on standardised features) and one bias per class.
    public let weights: [[Float]], bias: [Float]

    /// Feature dimension.
    public var dimension: Int { mean.count }

    /// Solver settings.
    public struct Options: Sendable {
        /// Regularisation trade-off (LIBLINEAR's `-c`).
        public var c: Double = 1
        /// Stopping tolerance (LIBLINEAR's `-e`; its default for the primal solver).
        public var epsilon: Double = 0.01
        /// Use the dual coordinate-descent solver (better when features outnumber samples).
        public var dual = false
        /// LIBLINEAR's defaults for the L2-regularised L2-loss primal solver.
        public init() {}
    }

    /// Trains on `features` `[N, D]` with class ids `labels` (N of them, in `0..<classes.count`).
    public static func train(features: Tensor, labels: [Int], classes: [String], options: Options = Options()) throws -> LinearSVM {
        precondition(features.rank == 2 && features.shape[0] == labels.count, "features \(features.shape) vs \(labels.count) labels")
        let n = features.shape[0], d = features.shape[1]
        guard Set(labels).count >= 2 else { throw SVMError.needTwoClasses }
        var mean = [Float](repeating: 0, count: d), scale = [Float](repeating: 0, count: d)
        let x = features.pointer
        for i in 0..<n { for j in 0..<d { mean[j] += x[i * d + j] } }
        for j in 0..<d { mean[j] /= Float(n) }
        for i in 0..<n { for j in 0..<d { let v = x[i * d + j] - mean[j]; scale[j] += v * v } }
        for j in 0..<d { scale[j] = max(sqrt(scale[j] / Float(n)), 1e-6) }

        // Rows of d feature nodes, a bias node (index d + 1) and the -1 terminator, in one buffer.
        let stride = d + 2
        let nodes = UnsafeMutablePointer<feature_node>.allocate(capacity: n * stride)
        let rows = UnsafeMutablePointer<UnsafeMutablePointer<feature_node>?>.allocate(capacity: n)
        let y = UnsafeMutablePointer<Double>.allocate(capacity: n)
        defer { nodes.deallocate(); rows.deallocate(); y.deallocate() }
        for i in 0..<n {
            let row = nodes + i * stride
            for j in 0..<d { row[j] = feature_node(index: Int32(j + 1), value: Double((x[i * d + j] - mean[j]) / scale[j])) }
            row[d] = feature_node(index: Int32(d + 1), value: 1)
            row[d + 1] = feature_node(index: -1, value: 0)
            rows[i] = row
            y[i] = Double(labels[i])
        }
        var problem = problem(l: Int32(n), n: Int32(d + 1), y: y, x: rows, bias: 1)
        var parameter = parameter()
        parameter.solver_type = Int32(options.dual ? L2R_L2LOSS_SVC_DUAL : L2R_L2LOSS_SVC)
        parameter.C = options.c
        parameter.eps = options.epsilon
        if let message = check_parameter(&problem, &parameter) { throw SVMError.liblinear(String(cString: message)) }
        set_print_string_function { _ in }
        guard let trained = CLinear.train(&problem, &parameter) else { throw SVMError.liblinear("training failed") }
        var owned: UnsafeMutablePointer<model>? = trained
        defer { free_and_destroy_model(&owned) }
        let model = trained

        let count = Int(get_nr_class(model))
        var ids = [Int32](repeating: 0, count: count)
        get_labels(model, &ids)
        // LIBLINEAR orders classes as it met them; ours are by id. Binary models have one weight vector,
        // read back per class with the sign LIBLINEAR gives (label 0: w, label 1: -w).
        var weights = [[Float]](repeating: [Float](repeating: 0, count: d), count: classes.count)
        var bias = [Float](repeating: -.greatestFiniteMagnitude, count: classes.count)
        for (k, id) in ids.enumerated() {
            let c = Int(id)
            for j in 0..<d { weights[c][j] = Float(get_decfun_coef(model, Int32(j + 1), Int32(k))) }
            bias[c] = Float(get_decfun_coef(model, Int32(d + 1), Int32(k)))
        }
        return LinearSVM(classes: classes, mean: mean, scale: scale, weights: weights, bias: bias)
    }

    /// Decision values `[N][classes]` for `features` `[N, D]`.
    public func decisions(_ features: Tensor) -> [[Float]] {
        precondition(features.rank == 2 && features.shape[1] == dimension, "features \(features.shape), SVM dimension \(dimension)")
        let n = features.shape[0], d = dimension, x = features.pointer
        return (0..<n).map { i in
            var z = [Float](repeating: 0, count: d)
            for j in 0..<d { z[j] = (x[i * d + j] - mean[j]) / scale[j] }
            return classes.indices.map { c in zip(weights[c], z).reduce(bias[c]) { $0 + $1.0 * $1.1 } }
        }
    }

    /// Decision values as probabilities for ranking metrics (ROC, AP), `[N][classes]`: with two classes a logistic of
    /// the margin `d1 - d0`, else a softmax of the decision values. Not calibrated probabilities.
    public static func rankingProbabilities(_ decisions: [[Float]]) -> [[Double]] {
        decisions.map { row in
            if row.count == 2 { return LogitProbabilities.binary(logit: Double(row[1] - row[0])) }
            let m = row.max() ?? 0
            return LogitProbabilities.softmax(row.map { Double($0 - m) })
        }
    }

    /// Predicted class ids.
    public func predict(_ features: Tensor) -> [Int] {
        decisions(features).map { row in row.indices.max { row[$0] < row[$1] }! }
    }

    /// Saves as safetensors: `mean`, `scale`, `weights` `[classes, D]`, `bias`; classes in the metadata.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        var meta = metadata
        meta["format"] = "discern-linear-svm"
        meta["classes"] = classes.joined(separator: ",")
        try Safetensors.write([
            "mean": Tensor(shape: [dimension], scalars: mean),
            "scale": Tensor(shape: [dimension], scalars: scale),
            "weights": Tensor(shape: [classes.count, dimension], scalars: weights.flatMap { $0 }),
            "bias": Tensor(shape: [classes.count], scalars: bias),
        ], metadata: meta, to: url)
    }

    /// Loads a model written by `save(to:)`.
    public static func load(_ url: URL) throws -> (svm: LinearSVM, metadata: [String: String]) {
        let (t, meta) = try Safetensors.read(url)
        guard meta["format"] == "discern-linear-svm", let names = meta["classes"], let mean = t["mean"], let scale = t["scale"],
              let w = t["weights"], let b = t["bias"] else { throw SVMError.notAnSVM(url.path) }
        let classes = names.split(separator: ",").map(String.init)
        let d = mean.count
        guard w.count == classes.count * d, b.count == classes.count, scale.count == d else { throw SVMError.notAnSVM(url.path) }
        let rows = (0..<classes.count).map { Array(w.scalars[($0 * d)..<(($0 + 1) * d)]) }
        return (LinearSVM(classes: classes, mean: mean.scalars, scale: scale.scalars, weights: rows, bias: b.scalars), meta)
    }
}

/// Linear SVM errors.
public enum SVMError: Error, CustomStringConvertible, Equatable {
    case needTwoClasses
    case liblinear(String)
    case notAnSVM(String)

    /// The one-line message `discern svm` prints.
    public var description: String {
        switch self {
        case .needTwoClasses: return "the training features hold fewer than two classes"
        case let .liblinear(message): return "LIBLINEAR: \(message)"
        case let .notAnSVM(path): return "\(path) is not a Discern linear SVM (safetensors with mean, scale, weights, bias)"
        }
    }
}
