import Foundation
import Tensor

/// Loss functions. Each returns a scalar tensor (mean over the batch) with a fused, numerically
/// stable gradient.
public enum Loss {
    /// Binary cross-entropy on logits: mean of `max(z, 0) - z*y + log(1 + e^-|z|)`.
    /// - Parameters:
    ///   - logits: `[N]` or `[N, 1]`.
    ///   - targets: `N` values in 0...1.
    public static func binaryCrossEntropy(logits: Tensor, targets: [Float]) -> Tensor {
        precondition(logits.count == targets.count, "BCE: \(logits.count) logits, \(targets.count) targets")
        let n = logits.count
        var total = 0.0
        let z = logits.pointer
        for i in 0..<n {
            let zi = z[i]
            total += Double(max(zi, 0) - zi * targets[i] + Foundation.log1p(Foundation.exp(-abs(zi))))
        }
        let shape = logits.shape
        return Tensor.result(shape: [], storage: TensorStorage([Float(total / Double(n))]), inputs: [logits]) { g in
            let scale = g.item / Float(n)
            return [Tensor(shape: shape, scalars: (0..<n).map { (Tensor.sigmoid(z[$0]) - targets[$0]) * scale })]
        }
    }

    /// Softmax cross-entropy with integer class labels, mean over the batch.
    /// - Parameters:
    ///   - logits: `[N, K]`.
    ///   - labels: `N` indices in `0..<K`.
    public static func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> Tensor {
        precondition(logits.rank == 2 && logits.shape[0] == labels.count, "CE: logits \(logits.shape), \(labels.count) labels")
        let (n, k) = (logits.shape[0], logits.shape[1])
        precondition(labels.allSatisfy { $0 >= 0 && $0 < k }, "CE: label out of 0..<\(k)")
        let logp = GradMode.withoutGrad { logits.logSoftmax() }
        var total = 0.0
        for i in 0..<n { total -= Double(logp.pointer[i * k + labels[i]]) }
        return Tensor.result(shape: [], storage: TensorStorage([Float(total / Double(n))]), inputs: [logits]) { g in
            let scale = g.item / Float(n)
            let d = Tensor(zeros: [n, k])
            for i in 0..<n {
                for j in 0..<k { d.pointer[i * k + j] = Foundation.exp(logp.pointer[i * k + j]) * scale }
                d.pointer[i * k + labels[i]] -= scale
            }
            return [d]
        }
    }

    /// `lambda * sum(|w|)` over `weights` (Keras' L1 regulariser).
    public static func l1Penalty(_ weights: [Tensor], lambda: Float) -> Tensor {
        weights.map { $0.abs().sum() }.reduce(Tensor(0), +) * lambda
    }

    /// `lambda * sum(w²)` over `weights` (Keras' L2 regulariser; PyTorch's weight decay is its gradient with lambda = wd / 2).
    public static func l2Penalty(_ weights: [Tensor], lambda: Float) -> Tensor {
        weights.map { $0.squared().sum() }.reduce(Tensor(0), +) * lambda
    }
}
