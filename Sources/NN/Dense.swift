import Tensor

/// Fully connected layer: `[N, inFeatures] -> [N, outFeatures]`; weight `[in, out]`, bias `[out]`.
public final class Dense: Module {
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, initializer: Initializer = .glorotUniform,
                using rng: inout some RandomNumberGenerator) {
        weight = initializer.make([inFeatures, outFeatures], fanIn: inFeatures, fanOut: outFeatures, using: &rng)
        self.bias = bias ? Initializer.zeros.make([outFeatures], fanIn: inFeatures, fanOut: outFeatures, using: &rng) : nil
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor { x.linear(weight, bias: bias) }
}
