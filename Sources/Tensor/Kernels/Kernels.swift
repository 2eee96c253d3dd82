import COpenBLAS

/// Plain loops over buffers: no autograd, no allocation beyond what a kernel returns.
/// Ops (in `Ops/`) pair these with shape rules and gradients.
public enum Kernels {
    /// y += alpha * x over `n` elements.
    @inline(__always)
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }

    /// A new tensor a + b (same element count), no autograd.
    static func addTensors(_ a: Tensor, _ b: Tensor) -> Tensor {
        let out = TensorStorage(uninitializedCount: a.count)
        map2(a.pointer, b.pointer, out.pointer, a.count) { $0 + $1 }
        return Tensor(shape: a.shape, storage: out)
    }

    /// out[i] = f(x[i]), split across workers for large buffers.
    @inline(__always)
    public static func map(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int, _ f: (Float) -> Float) {
        Parallel.forRanges(n, minChunk: 1 << 16) { r in
            for i in r { out[i] = f(x[i]) }
        }
    }

    /// out[i] = f(a[i], b[i]), split across workers for large buffers.
    @inline(__always)
    public static func map2(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int,
        _ f: (Float, Float) -> Float
    ) {
        Parallel.forRanges(n, minChunk: 1 << 16) { r in
            for i in r { out[i] = f(a[i], b[i]) }
        }
    }

    /// Sum of `n` values, accumulated in Double for stability.
    public static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i + 4 <= n {
            s0 += Double(x[i]); s1 += Double(x[i + 1]); s2 += Double(x[i + 2]); s3 += Double(x[i + 3])
            i += 4
        }
        while i < n { s0 += Double(x[i]); i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// Column sums of a row-major [rows, cols] matrix into `out` (overwritten).
    public static func columnSums(_ x: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
        out.initialize(repeating: 0, count: cols)
        for r in 0..<rows {
            let row = x + r * cols
            for c in 0..<cols { out[c] += row[c] }
        }
    }
}
