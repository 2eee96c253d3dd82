import COpenBLAS

extension Kernels {
    /// Eigen-decomposition of a real symmetric `n x n` matrix (row-major; symmetric, so the layout does not
    /// matter) with LAPACK's `dsyevd`. Returns the eigenvalues ascending and the eigenvectors as the
    /// columns of a row-major `n x n` matrix, or nil if LAPACK did not converge.
    public static func symmetricEigen(_ matrix: [Double], n: Int) -> (values: [Double], vectors: [Double])? {
        precondition(matrix.count == n * n, "symmetricEigen: \(matrix.count) values for n = \(n)")
        var a = matrix, w = [Double](repeating: 0, count: n)
        var jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "U"))
        var dim = Int32(n), lda = Int32(n), info: Int32 = 0
        // Workspace query, then the decomposition.
        var workSize = 0.0, iworkSize: Int32 = 0, query: Int32 = -1
        dsyevd_(&jobz, &uplo, &dim, &a, &lda, &w, &workSize, &query, &iworkSize, &query, &info)
        guard info == 0 else { return nil }
        var lwork = Int32(workSize), liwork = iworkSize
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &dim, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { return nil }
        // LAPACK writes eigenvectors as columns of a column-major matrix, i.e. rows of `a` read row-major: transpose.
        var vectors = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { vectors[i * n + j] = a[j * n + i] } }
        return (w, vectors)
    }

    /// `C = A * B` for row-major `n x n` double matrices (BLAS `dgemm`).
    public static func matmulDouble(_ a: [Double], _ b: [Double], n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
        return c
    }
}

extension Kernels {
    /// `C = scale * A^T A` for a row-major `rows x columns` double matrix `A` (BLAS `dsyrk`, full C written).
    public static func syrkDouble(_ a: UnsafePointer<Double>, rows: Int, columns: Int, scale: Double, into c: UnsafeMutablePointer<Double>) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows), scale, a, Int32(columns), 0, c, Int32(columns))
        for i in 0..<columns { for j in 0..<i { c[i * columns + j] = c[j * columns + i] } }
    }
}
