import Foundation

/// A small, fast, seedable generator (SplitMix64). Its whole state is one `UInt64`, so it can be
/// stored in a checkpoint and restored to continue a run bit for bit.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The generator's state.
    public var state: UInt64

    /// Starts the generator at state `seed`; equal seeds give equal sequences.
    public init(seed: UInt64) { state = seed }

    /// Advances the state by the golden-ratio increment and returns its SplitMix64 mix (64 uniform bits).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform draw in [0, 1) from the top 24 bits (a Float's precision): the dropout masks' coin.
    @inline(__always)
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }
}

extension RandomNumberGenerator {
    /// A standard normal sample (Box-Muller).
    public mutating func nextGaussian() -> Float {
        let u1 = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }
}

extension Tensor {
    /// Values drawn uniformly from `range`.
    public static func uniform<G: RandomNumberGenerator>(_ shape: [Int], in range: ClosedRange<Float>, using generator: inout G) -> Tensor {
        fill(shape, &generator) { Float.random(in: range, using: &$0) }
    }

    /// Values drawn from N(mean, std²).
    public static func normal<G: RandomNumberGenerator>(_ shape: [Int], mean: Float = 0, std: Float = 1, using generator: inout G) -> Tensor {
        fill(shape, &generator) { mean + std * $0.nextGaussian() }
    }

    /// Fills a tensor from `draw`, on a concrete SplitMix64 when `generator` is one: called per element
    /// through an unspecialised generic, drawing made building a model take most of a second. The
    /// sequence of values is the same either way.
    private static func fill<G: RandomNumberGenerator>(_ shape: [Int], _ generator: inout G, _ draw: (inout SplitMix64) -> Float) -> Tensor {
        let n = shape.reduce(1, *)
        if var concrete = generator as? SplitMix64 {
            let values = (0..<n).map { _ in draw(&concrete) }
            generator = concrete as! G
            return Tensor(shape: shape, scalars: values)
        }
        var forwarded = SplitMix64(seed: generator.next())
        return Tensor(shape: shape, scalars: (0..<n).map { _ in draw(&forwarded) })
    }
}
