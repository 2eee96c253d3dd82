extension Tensor {
    /// Matrix product `[M, K] x [K, N] -> [M, N]` on OpenBLAS SGEMM.
    public func matmul(_ other: Tensor) -> Tensor {
        precondition(rank == 2 && other.rank == 2 && shape[1] == other.shape[0], "matmul: \(shape) x \(other.shape)")
        let (m, k, n) = (shape[0], shape[1], other.shape[1])
        let out = TensorStorage(uninitializedCount: m * n)
        Kernels.parallelGemm(transA: false, transB: false, m: m, n: n, k: k, pointer, lda: k, other.pointer, ldb: n, out.pointer, ldc: n)
        let a = self, b = other
        return Tensor.result(shape: [m, n], storage: out, inputs: [a, b]) { g in
            var ga: Tensor?, gb: Tensor?
            if a.requiresGrad {
                let s = TensorStorage(uninitializedCount: m * k)
                Kernels.parallelGemm(transA: false, transB: true, m: m, n: k, k: n, g.pointer, lda: n, b.pointer, ldb: n, s.pointer, ldc: k)
                ga = Tensor(shape: [m, k], storage: s)
            }
            if b.requiresGrad {
                let s = TensorStorage(uninitializedCount: k * n)
                Kernels.parallelGemm(transA: true, transB: false, m: k, n: n, k: m, a.pointer, lda: k, g.pointer, ldb: n, s.pointer, ldc: n)
                gb = Tensor(shape: [k, n], storage: s)
            }
            return [ga, gb]
        }
    }
}
