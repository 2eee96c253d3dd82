import Tensor

/// Batch normalisation over the channel (last) axis, for `[N, H, W, C]` (BatchNorm2d) and `[N, C]`
/// (BatchNorm1d) alike. `runningMean` / `runningVar` are buffers (saved, not trained).
public final class BatchNorm: Module {
    /// The per-channel scale gamma, `[C]`, initialised to 1 (trained).
    public let weight: Tensor
    /// The per-channel shift beta, `[C]`, initialised to 0 (trained).
    public let bias: Tensor
    /// The running mean per channel, `[C]`, initialised to 0 (a buffer: saved, not trained).
    public let runningMean: Tensor
    /// The running (unbiased) variance per channel, `[C]`, initialised to 1 (a buffer: saved, not trained).
    public let runningVar: Tensor
    /// Share of a new batch in the running statistics (`recalibrateBatchNorm` changes it while it runs).
    public var momentum: Float
    /// Added to the variance before the square root (default 1e-5).
    public let epsilon: Float

    /// - Parameters:
    ///   - momentum: PyTorch convention (0.1 = 10 % new batch); Keras' 0.99 corresponds to 0.01.
    public init(_ channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        weight = Tensor(repeating: 1, shape: [channels], requiresGrad: true)
        bias = Tensor(zeros: [channels], requiresGrad: true)
        runningMean = Tensor(zeros: [channels])
        runningVar = Tensor(repeating: 1, shape: [channels])
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// Normalises `x` (`[N, H, W, C]` or `[N, C]`, same shape out): batch statistics (and a running-statistics
    /// update) in training mode, the running statistics in evaluation mode.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.batchNorm(gamma: weight, beta: bias, runningMean: runningMean, runningVar: runningVar,
                    training: isTraining, momentum: momentum, epsilon: epsilon)
    }

    /// `activation(self(x) + residual)` as one fused op (one pass forward, two backward; see `Tensor.batchNorm`).
    public func callAsFunction(_ x: Tensor, adding residual: Tensor? = nil, then activation: PiecewiseLinear?) -> Tensor {
        x.batchNorm(gamma: weight, beta: bias, runningMean: runningMean, runningVar: runningVar,
                    training: isTraining, momentum: momentum, epsilon: epsilon, residual: residual, activation: activation)
    }
}

extension BatchNorm {
    /// The convolution that equals `self(conv(x))` in evaluation mode: the weight scaled per output
    /// channel by `gamma / sqrt(runningVar + epsilon)` and a bias `beta - runningMean * scale` (+ the
    /// conv's own bias, scaled). Works for any weight whose last axis is the output channel: conv
    /// `[KH, KW, Cin, Cout]`, depthwise `[KH, KW, C]`, dense `[In, Out]`. Copies; `self` is unchanged.
    public func folded(weight: Tensor, bias: Tensor?) -> (weight: Tensor, bias: Tensor) {
        let c = weight.shape[weight.rank - 1]
        precondition(c == self.weight.count, "folded: weight \(weight.shape) for \(self.weight.count) channels")
        var scale = [Float](repeating: 0, count: c), shift = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            scale[ch] = self.weight.pointer[ch] / (runningVar.pointer[ch] + epsilon).squareRoot()
            shift[ch] = self.bias.pointer[ch] + ((bias?.pointer[ch] ?? 0) - runningMean.pointer[ch]) * scale[ch]
        }
        let w = weight.copy()
        for row in 0..<(w.count / c) {
            let p = w.pointer + row * c
            for ch in 0..<c { p[ch] *= scale[ch] }
        }
        return (w, Tensor(shape: [c], scalars: shift))
    }
}
