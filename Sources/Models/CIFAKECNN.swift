import NN
import Tensor

/// `cnn`: the TensorFlow baseline of the CIFAKE paper (Bird & Lotfi, IEEE Access 2024):
/// Conv 32 4x4 'same' + ReLU, MaxPool 2, Conv 32 4x4 'valid' + ReLU, Dropout 0.25, Flatten,
/// Dense 256 + ReLU, Dropout 0.5, Dense 1 (sigmoid in the loss); weights N(0, 0.02).
///
/// Input `[N, 32, 32, 3]`; output logits `[N, 1]` (or `[N, classes]` for more than two classes).
public final class CIFAKECNN: Module {
    /// The first convolution: 3 -> 32 channels, 4x4, 'same', stride 1.
    public let conv1: Conv2d
    /// The second convolution: 32 -> 32 channels, 4x4, 'valid', stride 1.
    public let conv2: Conv2d
    /// Dropout with rate 0.25 after the second convolution.
    public let drop1: Dropout
    /// The hidden dense layer: `(inputSize / 2 - 3)² * 32` -> 256 features (1152 -> 256 for 32 px input).
    public let fc1: Dense
    /// Dropout with rate 0.5 after the hidden dense layer.
    public let drop2: Dropout
    /// The output layer: 256 -> 1 logit for two classes, else 256 -> `classes`.
    public let fc2: Dense

    /// Builds the network with N(0, 0.02²) weights.
    /// - Parameters:
    ///   - classes: Class count; 2 gives one logit.
    ///   - inputSize: The input side in pixels (sizes `fc1`; default 32).
    ///   - rng: The generator the weights are drawn from.
    public init(classes: Int = 2, inputSize: Int = 32, using rng: inout some RandomNumberGenerator) {
        conv1 = Conv2d(3, 32, kernel: 4, padding: .same, initializer: .normal002, using: &rng)
        conv2 = Conv2d(32, 32, kernel: 4, padding: .valid, initializer: .normal002, using: &rng)
        drop1 = Dropout(0.25)
        let side = inputSize / 2 - 3
        fc1 = Dense(side * side * 32, 256, initializer: .normal002, using: &rng)
        drop2 = Dropout(0.5)
        fc2 = Dense(256, ModelFactory.outputs(classes), initializer: .normal002, using: &rng)
    }

    /// `[N, inputSize, inputSize, 3]` -> logits `[N, 1]` (two classes) or `[N, classes]`.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        var h = conv1(x, then: .relu).maxPool2d()
        h = drop1(conv2(h, then: .relu))
        return fc2(drop2(fc1(h.flattened()).relu()))
    }
}
