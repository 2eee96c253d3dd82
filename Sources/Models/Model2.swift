import NN
import Tensor

/// `model2`: the conv-relu-BN-pool network of the CIFAKE "model_2" project and model (b) of
/// `shared/bench/torch_bench.py`: 3 x (Conv 3x3 'same', ReLU, BatchNorm, MaxPool 2) with 32/64/128
/// filters, Flatten, Dense 256 + ReLU + BatchNorm1d + Dropout 0.3, Dense 64 + ReLU, Dense 1.
///
/// Input `[N, 32, 32, 3]` -> 16 -> 8 -> 4 (x128 = 2048 features).
public final class Model2: Module {
    /// The three conv blocks (Conv 3x3 'same' + ReLU + BatchNorm + MaxPool 2), 3 -> 32 -> 64 -> 128 channels, each halving the side.
    public let features: [Module]
    /// The first dense layer: `(inputSize / 8)² * 128` -> 256 features (2048 -> 256 for 32 px input).
    public let fc1: Dense
    /// Batch norm over `fc1`'s 256 features (after the ReLU).
    public let bn1: BatchNorm
    /// Dropout with rate 0.3 after `bn1`.
    public let drop: Dropout
    /// The second dense layer: 256 -> 64 features.
    public let fc2: Dense
    /// The output layer: 64 -> 1 logit for two classes, else 64 -> `classes`.
    public let fc3: Dense

    /// Builds the network with PyTorch-default weights.
    /// - Parameters:
    ///   - classes: Class count; 2 gives one logit.
    ///   - inputSize: The input side in pixels, a multiple of 8 (sizes `fc1`; default 32).
    ///   - rng: The generator the weights are drawn from.
    public init(classes: Int = 2, inputSize: Int = 32, using rng: inout some RandomNumberGenerator) {
        var blocks: [Module] = []
        var channels = 3
        for filters in [32, 64, 128] {
            blocks.append(Sequential([
                Conv2d(channels, filters, kernel: 3, padding: .same, initializer: .torchDefault, using: &rng),
                Activation(.relu), BatchNorm(filters), MaxPool2d(2),
            ]))
            channels = filters
        }
        features = blocks
        let side = inputSize / 8
        fc1 = Dense(side * side * 128, 256, initializer: .torchDefault, using: &rng)
        bn1 = BatchNorm(256)
        drop = Dropout(0.3)
        fc2 = Dense(256, 64, initializer: .torchDefault, using: &rng)
        fc3 = Dense(64, ModelFactory.outputs(classes), initializer: .torchDefault, using: &rng)
    }

    /// `[N, inputSize, inputSize, 3]` -> logits `[N, 1]` (two classes) or `[N, classes]`.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        let h = features.reduce(x) { $1($0) }.flattened()
        return fc3(fc2(drop(bn1(fc1(h).relu()))).relu())
    }
}
