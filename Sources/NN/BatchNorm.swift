import Tensor

/// Batch normalisation over the channel (last) axis, for `[N, H, W, C]` (BatchNorm2d) and `[N, C]`
/// (BatchNorm1d) alike. `runningMean` / `runningVar` are buffers (saved, not trained).
public final class BatchNorm: Module {
    public let weight: Tensor
    public let bias: Tensor
    public let runningMean: Tensor
    public let runningVar: Tensor
    public let momentum: Float
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

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.batchNorm(gamma: weight, beta: bias, runningMean: runningMean, runningVar: runningVar,
                    training: isTraining, momentum: momentum, epsilon: epsilon)
    }
}
