import NN
import Tensor

/// `model2`: the conv-relu-BN-pool network of the CIFAKE "model_2" project and model (b) of
/// `shared/bench/torch_bench.py`: 3 x (Conv 3x3 'same', ReLU, BatchNorm, MaxPool 2) with 32/64/128
/// filters, Flatten, Dense 256 + ReLU + BatchNorm1d + Dropout 0.3, Dense 64 + ReLU, Dense 1.
///
/// Input `[N, 32, 32, 3]` -> 16 -> 8 -> 4 (x128 = 2048 features).
public final class Model2: Module {
    public let features: [Module]
    public let fc1: Dense
    public let bn1: BatchNorm
    public let drop: Dropout
    public let fc2: Dense
    public let fc3: Dense

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

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        let h = features.reduce(x) { $1($0) }.flattened()
        return fc3(fc2(drop(bn1(fc1(h).relu()))).relu())
    }
}
