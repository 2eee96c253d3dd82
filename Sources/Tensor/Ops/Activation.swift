import Foundation

extension Tensor {
    /// max(x, 0).
    public func relu() -> Tensor { clamped(lower: 0, upper: .infinity, negativeSlope: 0) }
    /// min(max(x, 0), 6) (MobileNet / EfficientNet-Lite).
    public func relu6() -> Tensor { clamped(lower: 0, upper: 6, negativeSlope: 0) }
    /// x for x > 0, slope * x otherwise.
    public func leakyRelu(_ slope: Float = 0.2) -> Tensor { clamped(lower: 0, upper: .infinity, negativeSlope: slope) }

    /// The piecewise-linear family: slope 1 on (lower, upper), `negativeSlope` below `lower`, 0 above `upper`.
    /// Explicit loops (no per-element closure) so the compiler vectorises them.
    private func clamped(lower: Float, upper: Float, negativeSlope: Float) -> Tensor {
        let y = TensorStorage(uninitializedCount: count)
        let px = pointer, py = y.pointer
        Parallel.forRanges(count, minChunk: 1 << 16) { r in
            for i in r {
                let v = px[i]
                py[i] = v > lower ? Swift.min(v, upper) : v * negativeSlope
            }
        }
        let x = self
        return Tensor.result(shape: shape, storage: y, inputs: [self]) { g in
            let dx = TensorStorage(uninitializedCount: x.count)
            let pg = g.pointer, pd = dx.pointer
            Parallel.forRanges(x.count, minChunk: 1 << 16) { r in
                // Branch-free (selects between constants) so it vectorises; a relu mask is a coin
                // flip per element, and a branch here mispredicted half the time.
                for i in r {
                    let v = px[i]
                    let slope: Float = v > lower ? 1 : negativeSlope
                    let inside: Float = v < upper ? 1 : 0
                    pd[i] = pg[i] * slope * inside
                }
            }
            return [Tensor(shape: x.shape, storage: dx)]
        }
    }
    /// 1 / (1 + e^-x), computed without overflow.
    public func sigmoid() -> Tensor { unary(Tensor.sigmoid, derivative: { _, y in y * (1 - y) }) }
    /// Hyperbolic tangent.
    public func tanh() -> Tensor { unary({ Foundation.tanh($0) }, derivative: { _, y in 1 - y * y }) }

    /// Numerically stable logistic function.
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + Foundation.exp(-x)) : { let e = Foundation.exp(x); return e / (1 + e) }()
    }
}
