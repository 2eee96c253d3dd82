import Tensor

/// Fully connected layer: `[N, inFeatures] -> [N, outFeatures]`; weight `[in, out]`, bias `[out]`.
public final class Dense: Module {
    /// The weight matrix, `[In, Out]` (trained).
    public let weight: Tensor
    /// The bias, `[Out]`, or nil when the layer has none (trained, initialised to 0).
    public let bias: Tensor?

    /// Creates a fully connected layer.
    /// - Parameters:
    ///   - inFeatures: Input features per sample (`In`).
    ///   - outFeatures: Output features per sample (`Out`).
    ///   - bias: Whether the layer adds an `[Out]` bias (zero-initialised).
    ///   - initializer: How the `[In, Out]` weight is drawn (default Glorot uniform).
    ///   - rng: The generator the weight is drawn from.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, initializer: Initializer = .glorotUniform,
                using rng: inout some RandomNumberGenerator) {
        weight = initializer.make([inFeatures, outFeatures], fanIn: inFeatures, fanOut: outFeatures, using: &rng)
        self.bias = bias ? Initializer.zeros.make([outFeatures], fanIn: inFeatures, fanOut: outFeatures, using: &rng) : nil
    }

    /// `[N, In] -> [N, Out]`: `x · weight + bias`.
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.linear(weight, bias: bias) }
}
