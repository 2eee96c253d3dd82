/// NumPy broadcasting rules: shapes are aligned at the right; a dimension of 1 stretches.
public enum Broadcast {
    /// The broadcast shape of `a` and `b`, or nil when they are incompatible.
    public static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard da == db || da == 1 || db == 1 else { return nil }
            out[i] = max(da, db)
        }
        return out
    }

    /// Element strides of `shape` viewed in `out` (0 along broadcast dimensions).
    static func strides(of shape: [Int], in out: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: out.count)
        var step = 1
        for i in Swift.stride(from: shape.count - 1, through: 0, by: -1) {
            let o = i + out.count - shape.count
            strides[o] = shape[i] == 1 ? 0 : step
            step *= shape[i]
        }
        return strides
    }

    /// Calls `body(outOffset, aOffset, bOffset, innerCount, aInnerStride, bInnerStride)` for every run
    /// along the last dimension of `out`.
    static func forEachRow(
        _ out: [Int], _ sa: [Int], _ sb: [Int],
        _ body: (Int, Int, Int, Int, Int, Int) -> Void
    ) {
        guard let inner = out.last else { body(0, 0, 0, 1, 0, 0); return }
        let outer = out.dropLast().reduce(1, *)
        if inner == 0 || outer == 0 { return }
        let rank = out.count
        var index = [Int](repeating: 0, count: rank)
        var offA = 0, offB = 0
        for row in 0..<outer {
            body(row * inner, offA, offB, inner, sa[rank - 1], sb[rank - 1])
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                offA += sa[d]; offB += sb[d]
                if index[d] < out[d] { break }
                offA -= sa[d] * out[d]; offB -= sb[d] * out[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}

extension Tensor {
    /// Sums a gradient of a broadcast result back to `shape` (the shape of the broadcast input).
    public func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let out = TensorStorage(repeating: 0, count: target.reduce(1, *))
        let st = Broadcast.strides(of: target, in: shape)
        let src = pointer, dst = out.pointer
        Broadcast.forEachRow(shape, st, st) { o, t, _, n, ts, _ in
            if ts == 0 {
                var s: Float = 0
                for i in 0..<n { s += src[o + i] }
                dst[t] += s
            } else {
                for i in 0..<n { dst[t + i * ts] += src[o + i] }
            }
        }
        return Tensor(shape: target, storage: out)
    }
}
