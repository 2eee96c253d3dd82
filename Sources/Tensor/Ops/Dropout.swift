extension Tensor {
    /// Inverted dropout: zeroes each element with probability `rate` and scales the rest by 1 / (1 - rate).
    /// The mask comes from `generator`, so a seeded generator gives a reproducible mask.
    public func dropout(rate: Float, using generator: inout SplitMix64) -> Tensor {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got \(rate)")
        if rate == 0 { return self }
        let keep = 1 / (1 - rate)
        let mask = Tensor(zeros: shape)
        // 24 random bits per element -> uniform in [0, 1): concrete generator, no generic dispatch per draw.
        for i in 0..<count where generator.nextUnitFloat() >= rate { mask.pointer[i] = keep }
        let out = TensorStorage(uninitializedCount: count)
        Kernels.map2(pointer, mask.pointer, out.pointer, count) { $0 * $1 }
        return Tensor.result(shape: shape, storage: out, inputs: [self]) { g in
            [Tensor.productNoGrad(g, mask)]
        }
    }
}
