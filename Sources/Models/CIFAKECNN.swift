import NN
import Tensor

/// `cnn`: the TensorFlow baseline of the CIFAKE paper (Bird & Lotfi, IEEE Access 2024):
/// Conv 32 4x4 'same' + ReLU, MaxPool 2, Conv 32 4x4 'valid' + ReLU, Dropout 0.25, Flatten,
/// Dense 256 + ReLU, Dropout 0.5, Dense 1 (sigmoid in the loss); weights N(0, 0.02).
///
/// Input `[N, 32, 32, 3]`; output logits `[N, 1]` (or `[N, classes]` for more than two classes).
public final class CIFAKECNN: Module {
    public let conv1: Conv2d
    public let conv2: Conv2d
    public let drop1: Dropout
    public let fc1: Dense
    public let drop2: Dropout
    public let fc2: Dense

    public init(classes: Int = 2, inputSize: Int = 32, using rng: inout some RandomNumberGenerator) {
        conv1 = Conv2d(3, 32, kernel: 4, padding: .same, initializer: .normal002, using: &rng)
        conv2 = Conv2d(32, 32, kernel: 4, padding: .valid, initializer: .normal002, using: &rng)
        drop1 = Dropout(0.25)
        let side = inputSize / 2 - 3
        fc1 = Dense(side * side * 32, 256, initializer: .normal002, using: &rng)
        drop2 = Dropout(0.5)
        fc2 = Dense(256, ModelFactory.outputs(classes), initializer: .normal002, using: &rng)
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        var h = conv1(x, then: .relu).maxPool2d()
        h = drop1(conv2(h, then: .relu))
        return fc2(drop2(fc1(h.flattened()).relu()))
    }
}
