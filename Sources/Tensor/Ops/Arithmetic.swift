import Foundation

extension Tensor {
    /// Elementwise binary op with broadcasting; `f` computes values, `grads` maps the output gradient
    /// to the (unreduced, output-shaped) gradients of a and b.
    static func binary(
        _ a: Tensor, _ b: Tensor, _ f: @escaping (Float, Float) -> Float,
        grads: @escaping (_ g: Tensor, _ a: Tensor, _ b: Tensor, _ out: Tensor) -> (Tensor?, Tensor?)
    ) -> Tensor {
        guard let outShape = Broadcast.shape(a.shape, b.shape) else {
            preconditionFailure("cannot broadcast \(a.shape) with \(b.shape)")
        }
        let n = outShape.reduce(1, *)
        let storage = TensorStorage(uninitializedCount: n)
        let pa = a.pointer, pb = b.pointer, po = storage.pointer
        if a.shape == b.shape {
            Kernels.map2(pa, pb, po, n, f)
        } else if b.count == 1 {
            let s = pb[0]
            Kernels.map(pa, po, n) { f($0, s) }
        } else {
            Broadcast.forEachRow(outShape, Broadcast.strides(of: a.shape, in: outShape), Broadcast.strides(of: b.shape, in: outShape)) { o, oa, ob, count, sa, sb in
                for i in 0..<count { po[o + i] = f(pa[oa + i * sa], pb[ob + i * sb]) }
            }
        }
        var resultRef: Tensor?
        let out = result(shape: outShape, storage: storage, inputs: [a, b]) { g in
            let (ga, gb) = grads(g, a, b, resultRef!)
            return [a.requiresGrad ? ga?.sumToShape(a.shape) : nil, b.requiresGrad ? gb?.sumToShape(b.shape) : nil]
        }
        if out.requiresGrad { resultRef = out.detached() }
        return out
    }

    /// Elementwise unary op; `derivative(x, y)` gives dy/dx from input and output values.
    public func unary(_ f: @escaping (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Tensor {
        let storage = TensorStorage(uninitializedCount: count)
        Kernels.map(pointer, storage.pointer, count, f)
        let input = self
        return Tensor.result(shape: shape, storage: storage, inputs: [self]) { g in
            let dx = TensorStorage(uninitializedCount: input.count)
            let px = input.pointer, py = storage.pointer, pg = g.pointer, pd = dx.pointer
            Parallel.forRanges(input.count, minChunk: 1 << 16) { r in
                for i in r { pd[i] = pg[i] * derivative(px[i], py[i]) }
            }
            return [Tensor(shape: input.shape, storage: dx)]
        }
    }

    /// Broadcasting sum.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        binary(a, b, { $0 + $1 }) { g, _, _, _ in (g, g) }
    }

    /// Broadcasting difference.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        binary(a, b, { $0 - $1 }) { g, _, _, _ in (g, g.unaryNoGrad { -$0 }) }
    }

    /// Broadcasting product.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        binary(a, b, { $0 * $1 }) { g, a, b, _ in
            (a.requiresGrad ? Tensor.productNoGrad(g, b) : nil, b.requiresGrad ? Tensor.productNoGrad(g, a) : nil)
        }
    }

    /// Broadcasting quotient.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        binary(a, b, { $0 / $1 }) { g, a, b, out in
            let ga = a.requiresGrad ? Tensor.mapNoGrad(g, b) { $0 / $1 } : nil
            let gb = b.requiresGrad ? Tensor.mapNoGrad(Tensor.productNoGrad(g, out), b) { -$0 / $1 } : nil
            return (ga, gb)
        }
    }

    /// Adds the scalar `s` to every element (same shape as `a`).
    public static func + (a: Tensor, s: Float) -> Tensor { a.unary({ $0 + s }, derivative: { _, _ in 1 }) }
    /// Subtracts the scalar `s` from every element (same shape as `a`).
    public static func - (a: Tensor, s: Float) -> Tensor { a.unary({ $0 - s }, derivative: { _, _ in 1 }) }
    /// Multiplies every element by the scalar `s` (same shape as `a`).
    public static func * (a: Tensor, s: Float) -> Tensor { a.unary({ $0 * s }, derivative: { _, _ in s }) }
    /// Multiplies every element by the scalar `s` (same shape as `a`).
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    /// Divides every element by the scalar `s`, computed as `a * (1 / s)` (same shape as `a`).
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    /// Negates every element (`a * -1`).
    public static prefix func - (a: Tensor) -> Tensor { a * -1 }

    /// e^x.
    public func exp() -> Tensor { unary({ Foundation.exp($0) }, derivative: { _, y in y }) }
    /// Natural logarithm.
    public func log() -> Tensor { unary({ Foundation.log($0) }, derivative: { x, _ in 1 / x }) }
    /// Square root.
    public func sqrt() -> Tensor { unary({ $0.squareRoot() }, derivative: { _, y in 0.5 / y }) }
    /// x².
    public func squared() -> Tensor { unary({ $0 * $0 }, derivative: { x, _ in 2 * x }) }
    /// |x| (subgradient 0 at 0).
    public func abs() -> Tensor { unary({ Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }) }

    // MARK: Gradient helpers (outside autograd; gradients are not differentiated twice)

    /// Elementwise f over a tensor, no autograd.
    func unaryNoGrad(_ f: (Float) -> Float) -> Tensor {
        let s = TensorStorage(uninitializedCount: count)
        Kernels.map(pointer, s.pointer, count, f)
        return Tensor(shape: shape, storage: s)
    }

    /// Elementwise f over two tensors of `a`'s (broadcast output) shape; `b` may broadcast into it.
    static func mapNoGrad(_ a: Tensor, _ b: Tensor, _ f: @escaping (Float, Float) -> Float) -> Tensor {
        GradMode.withoutGrad { binary(a, b, f) { _, _, _, _ in (nil, nil) } }
    }

    static func productNoGrad(_ a: Tensor, _ b: Tensor) -> Tensor { mapNoGrad(a, b) { $0 * $1 } }
}
