import Tensor

/// Inverted dropout, active in training mode only. Each layer owns a seeded generator whose state
/// is part of a checkpoint's metadata, so a resumed run draws the same masks.
///
/// `perSample: true` is drop path (stochastic depth, Huang et al. 2016; EfficientNet's "drop connect"):
/// the whole of a sample's tensor is dropped or kept (`[N, ...]` times an `[N, 1, ...]` mask), for a
/// residual branch to be skipped at random.
public final class Dropout: Module {
    /// The probability (0...1) that an element (or, with `perSample`, a whole sample) is zeroed; kept values are scaled by `1 / (1 - rate)`.
    public let rate: Float
    /// Drop whole samples (drop path) instead of single elements.
    public let perSample: Bool
    /// The mask generator; seed it with `Module.seedDropout(_:)`.
    public var generator: SplitMix64

    /// Creates the layer.
    /// - Parameters:
    ///   - rate: The drop probability, 0...1 (0 makes the layer a no-op).
    ///   - perSample: Drop whole samples (drop path) instead of single elements.
    ///   - seed: The mask generator's seed (see also `Module.seedDropout(_:)`).
    public init(_ rate: Float, perSample: Bool = false, seed: UInt64 = 0) {
        self.rate = rate
        self.perSample = perSample
        generator = SplitMix64(seed: seed)
    }

    /// In training mode with `rate > 0`, zeroes elements (or whole samples) with probability `rate` and scales the rest
    /// by `1 / (1 - rate)`; otherwise returns `x` unchanged. The shape is that of `x`.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        guard isTraining, rate > 0 else { return x }
        guard perSample else { return x.dropout(rate: rate, using: &generator) }
        let n = x.shape[0], keep = 1 / (1 - rate)
        let mask = (0..<n).map { _ in generator.nextUnitFloat() >= rate ? keep : 0 }
        return x * Tensor(shape: [n] + Array(repeating: 1, count: x.rank - 1), scalars: mask)
    }
}

extension Module {
    /// Every dropout layer, in module order.
    public var dropoutLayers: [Dropout] { modules().compactMap { $0 as? Dropout } }

    /// Gives each dropout layer its own stream derived from `seed`.
    public func seedDropout(_ seed: UInt64) {
        for (i, d) in dropoutLayers.enumerated() { d.generator = SplitMix64(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15) }
    }
}
