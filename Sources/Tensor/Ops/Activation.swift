import Foundation

extension Tensor {
    /// max(x, 0).
    public func relu() -> Tensor { unary({ Swift.max($0, 0) }, derivative: { x, _ in x > 0 ? 1 : 0 }) }
    /// min(max(x, 0), 6) (MobileNet / EfficientNet-Lite).
    public func relu6() -> Tensor { unary({ Swift.min(Swift.max($0, 0), 6) }, derivative: { x, _ in x > 0 && x < 6 ? 1 : 0 }) }
    /// x for x > 0, slope * x otherwise.
    public func leakyRelu(_ slope: Float = 0.2) -> Tensor {
        unary({ $0 > 0 ? $0 : slope * $0 }, derivative: { x, _ in x > 0 ? 1 : slope })
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
