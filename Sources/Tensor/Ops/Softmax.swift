import Foundation

extension Tensor {
    /// Softmax over the last axis.
    public func softmax() -> Tensor {
        let y = Tensor.softmaxRows(self, log: false)
        let classes = shape[rank - 1]
        return Tensor.result(shape: shape, storage: y.storage, inputs: [self]) { g in
            // dx = y * (g - sum(g * y))
            let dx = TensorStorage(uninitializedCount: y.count)
            for r in 0..<(y.count / classes) {
                let yr = y.pointer + r * classes, gr = g.pointer + r * classes, d = dx.pointer + r * classes
                var dot: Float = 0
                for i in 0..<classes { dot += gr[i] * yr[i] }
                for i in 0..<classes { d[i] = yr[i] * (gr[i] - dot) }
            }
            return [Tensor(shape: y.shape, storage: dx)]
        }
    }

    /// Log-softmax over the last axis.
    public func logSoftmax() -> Tensor {
        let y = Tensor.softmaxRows(self, log: true)
        let classes = shape[rank - 1]
        return Tensor.result(shape: shape, storage: y.storage, inputs: [self]) { g in
            // dx = g - softmax * sum(g)
            let dx = TensorStorage(uninitializedCount: y.count)
            for r in 0..<(y.count / classes) {
                let yr = y.pointer + r * classes, gr = g.pointer + r * classes, d = dx.pointer + r * classes
                var total: Float = 0
                for i in 0..<classes { total += gr[i] }
                for i in 0..<classes { d[i] = gr[i] - Foundation.exp(yr[i]) * total }
            }
            return [Tensor(shape: y.shape, storage: dx)]
        }
    }

    /// Row-wise (log-)softmax of the last axis, no autograd.
    static func softmaxRows(_ x: Tensor, log: Bool) -> Tensor {
        let classes = x.shape[x.rank - 1]
        let out = TensorStorage(uninitializedCount: x.count)
        for r in 0..<(x.count / classes) {
            let xr = x.pointer + r * classes, o = out.pointer + r * classes
            var m = -Float.infinity
            for i in 0..<classes { m = Swift.max(m, xr[i]) }
            var s: Float = 0
            for i in 0..<classes { let e = Foundation.exp(xr[i] - m); o[i] = e; s += e }
            if log {
                let ls = Foundation.log(s)
                for i in 0..<classes { o[i] = xr[i] - m - ls }
            } else {
                for i in 0..<classes { o[i] /= s }
            }
        }
        return Tensor(shape: x.shape, storage: out)
    }
}
