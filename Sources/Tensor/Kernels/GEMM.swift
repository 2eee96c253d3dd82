import COpenBLAS

extension Kernels {
    /// Row-major single-precision GEMM on the calling thread:
    /// C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C.
    @inline(__always)
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, _ a: UnsafePointer<Float>, lda: Int,
        _ b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `gemm` with the rows of C split across the engine's workers (for large m).
    public static func parallelGemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, _ a: UnsafePointer<Float>, lda: Int,
        _ b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let work = m * n * k
        Parallel.forRanges(m, minChunk: work > (1 << 18) ? 16 : m) { r in
            let aRows = transA ? a + r.lowerBound : a + r.lowerBound * lda
            gemm(transA: transA, transB: transB, m: r.count, n: n, k: k, alpha: alpha, aRows, lda: lda,
                 b, ldb: ldb, beta: beta, c + r.lowerBound * ldc, ldc: ldc)
        }
    }
}
