extension Tensor {
    /// The same values with a new shape (one dimension may be -1); storage is shared.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var dims = newShape
        if let i = dims.firstIndex(of: -1) {
            let known = dims.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            dims[i] = count / known
        }
        precondition(dims.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        let old = shape
        return Tensor.result(shape: dims, storage: storage, inputs: [self]) { g in
            [Tensor(shape: old, storage: g.storage)]
        }
    }

    /// `[N, ...] -> [N, prod(...)]`.
    public func flattened() -> Tensor { reshaped([shape[0], -1]) }

    /// Reorders dimensions: output dimension i is input dimension `order[i]`.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "bad permutation \(order) for rank \(rank)")
        let outShape = order.map { shape[$0] }
        let storage = Tensor.permuteCopy(pointer, shape: shape, order: order)
        let inverse = order.indices.map { order.firstIndex(of: $0)! }
        return Tensor.result(shape: outShape, storage: storage, inputs: [self]) { g in
            [Tensor(shape: g.shape.indices.map { g.shape[inverse[$0]] }, storage: Tensor.permuteCopy(g.pointer, shape: g.shape, order: inverse))]
        }
    }

    /// Transpose of a matrix `[M, N] -> [N, M]`.
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed() needs a matrix, have \(shape)")
        return permuted([1, 0])
    }

    static func permuteCopy(_ src: UnsafePointer<Float>, shape: [Int], order: [Int]) -> TensorStorage {
        let outShape = order.map { shape[$0] }
        let n = shape.reduce(1, *)
        let out = TensorStorage(uninitializedCount: n)
        var inStrides = [Int](repeating: 1, count: shape.count)
        for i in stride(from: shape.count - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        let srcStrides = order.map { inStrides[$0] }
        let dst = out.pointer
        Broadcast.forEachRow(outShape, srcStrides, srcStrides) { o, s, _, count, ss, _ in
            for i in 0..<count { dst[o + i] = src[s + i * ss] }
        }
        return out
    }

    /// Concatenation along `axis` (all other dimensions equal).
    public static func concat(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concat of nothing")
        let rank = parts[0].rank, ax = axis < 0 ? axis + rank : axis
        var outShape = parts[0].shape
        outShape[ax] = parts.reduce(0) { $0 + $1.shape[ax] }
        for p in parts {
            precondition(p.rank == rank && p.shape.enumerated().allSatisfy { $0.offset == ax || $0.element == outShape[$0.offset] },
                         "concat: shapes \(parts.map(\.shape)) differ off axis \(ax)")
        }
        let outer = outShape[..<ax].reduce(1, *), inner = outShape[(ax + 1)...].reduce(1, *)
        let storage = TensorStorage(uninitializedCount: outShape.reduce(1, *))
        let rowOut = outShape[ax] * inner
        var offset = 0
        for p in parts {
            let rowIn = p.shape[ax] * inner
            for o in 0..<outer { (storage.pointer + o * rowOut + offset).update(from: p.pointer + o * rowIn, count: rowIn) }
            offset += rowIn
        }
        return result(shape: outShape, storage: storage, inputs: parts) { g in
            var off = 0
            return parts.map { p in
                let rowIn = p.shape[ax] * inner
                defer { off += rowIn }
                guard p.requiresGrad else { return nil }
                let s = TensorStorage(uninitializedCount: p.count)
                for o in 0..<outer { (s.pointer + o * rowIn).update(from: g.pointer + o * rowOut + off, count: rowIn) }
                return Tensor(shape: p.shape, storage: s)
            }
        }
    }

    /// Zero padding of NHWC images: `[N, H, W, C] -> [N, H + top + bottom, W + left + right, C]`.
    public func zeroPadded(top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
        precondition(rank == 4, "zeroPadded needs NHWC, have \(shape)")
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        let oh = h + top + bottom, ow = w + left + right
        let storage = TensorStorage(repeating: 0, count: n * oh * ow * c)
        for i in 0..<n {
            for y in 0..<h {
                (storage.pointer + ((i * oh + y + top) * ow + left) * c).update(from: pointer + ((i * h + y) * w) * c, count: w * c)
            }
        }
        let inShape = shape
        return Tensor.result(shape: [n, oh, ow, c], storage: storage, inputs: [self]) { g in
            let s = TensorStorage(uninitializedCount: n * h * w * c)
            for i in 0..<n {
                for y in 0..<h {
                    (s.pointer + ((i * h + y) * w) * c).update(from: g.pointer + ((i * oh + y + top) * ow + left) * c, count: w * c)
                }
            }
            return [Tensor(shape: inShape, storage: s)]
        }
    }
}
