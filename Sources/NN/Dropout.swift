import Tensor

/// Inverted dropout, active in training mode only. Each layer owns a seeded generator whose state
/// is part of a checkpoint's metadata, so a resumed run draws the same masks.
public final class Dropout: Module {
    public let rate: Float
    /// The mask generator; seed it with `Module.seedDropout(_:)`.
    public var generator: SplitMix64

    public init(_ rate: Float, seed: UInt64 = 0) {
        self.rate = rate
        generator = SplitMix64(seed: seed)
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        isTraining ? x.dropout(rate: rate, using: &generator) : x
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
