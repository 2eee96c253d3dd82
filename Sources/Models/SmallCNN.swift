import NN
import Tensor

/// `cnn-small`: the Keras course project's CNN and model (a) of the engine benchmark
/// (`shared/bench/torch_bench.py`, `seed_cnn`):
/// Conv 32 3x3 valid + ReLU, MaxPool 2, Conv 64 3x3 valid + ReLU, MaxPool 2, Flatten,
/// Dense 64 + ReLU, Dense `classes == 2 ? 1 : classes`.
///
/// Input `[N, 32, 32, 3]` in 0...1; output logits `[N, 1]` (binary) or `[N, classes]`.
public final class SmallCNN: Module {
    /// The first convolution: 3 -> 32 channels, 3x3, 'valid'.
    public let conv1: Conv2d
    /// The second convolution: 32 -> 64 channels, 3x3, 'valid'.
    public let conv2: Conv2d
    /// The hidden dense layer: `(((inputSize - 2) / 2 - 2) / 2)² * 64` -> 64 features (2304 -> 64 for 32 px input).
    public let fc1: Dense
    /// The output layer: 64 -> 1 logit for two classes, else 64 -> `classes`.
    public let fc2: Dense

    /// Builds the network with Glorot-uniform weights.
    /// - Parameters:
    ///   - classes: Class count; 2 gives one logit.
    ///   - inputSize: The input side in pixels (sizes `fc1`; default 32).
    ///   - rng: The generator the weights are drawn from.
    public init(classes: Int = 2, inputSize: Int = 32, using rng: inout some RandomNumberGenerator) {
        conv1 = Conv2d(3, 32, kernel: 3, using: &rng)
        conv2 = Conv2d(32, 64, kernel: 3, using: &rng)
        let side = ((inputSize - 2) / 2 - 2) / 2
        fc1 = Dense(side * side * 64, 64, using: &rng)
        fc2 = Dense(64, ModelFactory.outputs(classes), using: &rng)
    }

    /// `[N, inputSize, inputSize, 3]` -> logits `[N, 1]` (two classes) or `[N, classes]`.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        var h = conv1(x, then: .relu).maxPool2d()
        h = conv2(h, then: .relu).maxPool2d()
        return fc2(fc1(h.flattened()).relu())
    }
}
