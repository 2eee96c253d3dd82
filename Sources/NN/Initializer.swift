import Foundation
import Tensor

/// How a weight tensor is filled at construction.
public enum Initializer: String, Codable, Sendable, CaseIterable {
    /// Glorot / Xavier uniform: U(-a, a), a = sqrt(6 / (fanIn + fanOut)) (Keras' default).
    case glorotUniform
    /// He / Kaiming normal: N(0, 2 / fanIn).
    case heNormal
    /// N(0, 0.02²) (DCGAN, pix2pix, the CIFAKE baseline).
    case normal002
    /// PyTorch's default for Linear/Conv: U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
    case torchDefault
    /// All zeros.
    case zeros

    /// False while building a model whose every weight is about to be loaded from a checkpoint
    /// (`withoutRandomFill`): `make` then returns zeros, skipping millions of random draws (half the
    /// start-up time of `discern classify one.jpg`).
    @TaskLocal public static var fillsRandomly = true

    /// Runs `body` (which builds a model) with `make` returning zeros instead of random draws.
    public static func withoutRandomFill<T>(_ body: () throws -> T) rethrows -> T {
        try $fillsRandomly.withValue(false, operation: body)
    }

    /// A tensor of `shape` with `fanIn` / `fanOut` as the layer defines them.
    public func make(_ shape: [Int], fanIn: Int, fanOut: Int, using rng: inout some RandomNumberGenerator) -> Tensor {
        let t: Tensor
        switch Initializer.fillsRandomly ? self : .zeros {
        case .glorotUniform:
            let a = Float((6.0 / Double(fanIn + fanOut)).squareRoot())
            t = .uniform(shape, in: -a...a, using: &rng)
        case .heNormal:
            t = .normal(shape, std: Float((2.0 / Double(fanIn)).squareRoot()), using: &rng)
        case .normal002:
            t = .normal(shape, std: 0.02, using: &rng)
        case .torchDefault:
            let a = Float(1 / Double(fanIn).squareRoot())
            t = .uniform(shape, in: -a...a, using: &rng)
        case .zeros:
            t = Tensor(zeros: shape)
        }
        t.requiresGrad = true
        return t
    }
}
