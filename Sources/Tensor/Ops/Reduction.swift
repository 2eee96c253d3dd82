extension Tensor {
    /// Sum of all elements, as a scalar tensor.
    public func sum() -> Tensor {
        let s = TensorStorage(uninitializedCount: 1)
        s.pointer[0] = Float(Kernels.sum(pointer, count))
        let shape = self.shape
        return Tensor.result(shape: [], storage: s, inputs: [self]) { g in
            [Tensor(repeating: g.item, shape: shape)]
        }
    }

    /// Mean of all elements, as a scalar tensor.
    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(count, 1))) }

    /// Sum over `axes` (negative counts from the end); kept as size-1 dimensions when `keepDims`.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let norm = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
        precondition(norm.allSatisfy { $0 >= 0 && $0 < rank }, "axes \(axes) out of range for rank \(rank)")
        let kept = shape.enumerated().map { norm.contains($0.offset) ? 1 : $0.element }
        let reduced = GradMode.withoutGrad { self.sumToShape(kept) }
        let outShape = keepDims ? kept : shape.enumerated().filter { !norm.contains($0.offset) }.map(\.element)
        let inShape = shape
        return Tensor.result(shape: outShape, storage: reduced.storage, inputs: [self]) { g in
            let gk = Tensor(shape: kept, storage: g.storage)
            return [Tensor.mapNoGrad(Tensor(zeros: inShape), gk) { _, v in v }]
        }
    }

    /// Mean over `axes`.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let norm = axes.map { $0 < 0 ? $0 + rank : $0 }
        let n = norm.reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }
}
