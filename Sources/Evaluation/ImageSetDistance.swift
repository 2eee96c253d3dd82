import Foundation
import Tensor

/// Distances between two image sets in a named feature space.
///
/// Fréchet distance (Heusel et al., NeurIPS 2017, as FID computes it, but in whatever space the features
/// come from; it is only "FID" with Inception-v3 pool features, so Discern names it `FD-<space>`):
/// `|mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1^1/2 S2 S1^1/2)^1/2)`, with sample covariances (n - 1)
/// and the matrix square roots taken by symmetric eigen-decomposition (negative rounding-noise
/// eigenvalues clamped to 0), in double precision.
public enum ImageSetDistance {
    /// Mean and covariance of `features` `[N, D]` in double precision.
    public static func moments(_ features: Tensor) -> (mean: [Double], covariance: [Double]) {
        precondition(features.rank == 2 && features.shape[0] >= 2, "need [N >= 2, D] features, have \(features.shape)")
        let n = features.shape[0], d = features.shape[1], x = features.pointer
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += Double(x[i * d + j]) } }
        for j in 0..<d { mean[j] /= Double(n) }
        var centred = [Double](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d { centred[i * d + j] = Double(x[i * d + j]) - mean[j] } }
        var cov = [Double](repeating: 0, count: d * d)
        cov.withUnsafeMutableBufferPointer { c in
            centred.withUnsafeBufferPointer { a in
                Kernels.syrkDouble(a.baseAddress!, rows: n, columns: d, scale: 1 / Double(n - 1), into: c.baseAddress!)
            }
        }
        return (mean, cov)
    }

    /// The Fréchet distance between Gaussians fitted to two feature sets of the same dimension.
    public static func frechet(_ a: Tensor, _ b: Tensor) throws -> Double {
        guard a.rank == 2, b.rank == 2, a.shape[1] == b.shape[1] else { throw DistanceError.dimensions(a.shape, b.shape) }
        let (m1, s1) = moments(a), (m2, s2) = moments(b)
        return try frechet(mean1: m1, cov1: s1, mean2: m2, cov2: s2)
    }

    /// The Fréchet distance between N(mean1, cov1) and N(mean2, cov2).
    public static func frechet(mean1: [Double], cov1: [Double], mean2: [Double], cov2: [Double]) throws -> Double {
        let d = mean1.count
        let meanTerm = zip(mean1, mean2).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let trace1 = (0..<d).reduce(0) { $0 + cov1[$1 * d + $1] }, trace2 = (0..<d).reduce(0) { $0 + cov2[$1 * d + $1] }
        guard let root1 = symmetricSquareRoot(cov1, n: d) else { throw DistanceError.noConvergence }
        let m = Kernels.matmulDouble(Kernels.matmulDouble(root1, cov2, n: d), root1, n: d)
        var sym = m
        for i in 0..<d { for j in 0..<d { sym[i * d + j] = 0.5 * (m[i * d + j] + m[j * d + i]) } }
        guard let eig = Kernels.symmetricEigen(sym, n: d) else { throw DistanceError.noConvergence }
        let traceRoot = eig.values.reduce(0) { $0 + sqrt(max($1, 0)) }
        return max(0, meanTerm + trace1 + trace2 - 2 * traceRoot)
    }

    /// `V diag(sqrt(max(l, 0))) V^T` of a symmetric positive semi-definite matrix.
    static func symmetricSquareRoot(_ s: [Double], n: Int) -> [Double]? {
        guard let (values, v) = Kernels.symmetricEigen(s, n: n) else { return nil }
        var scaled = v
        for i in 0..<n { for k in 0..<n { scaled[i * n + k] *= sqrt(max(values[k], 0)) } }
        var vt = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { vt[j * n + i] = v[i * n + j] } }
        return Kernels.matmulDouble(scaled, vt, n: n)
    }

    /// The Inception-style score `exp(E_x KL(p(y|x) || p(y)))` of class probabilities `[N][K]` (Salimans et
    /// al., 2016), computed on whatever classifier produced them: name it after that classifier.
    public static func inceptionStyleScore(_ probabilities: [[Double]]) -> Double {
        guard let k = probabilities.first?.count, !probabilities.isEmpty else { return .nan }
        var marginal = [Double](repeating: 0, count: k)
        for p in probabilities { for j in 0..<k { marginal[j] += p[j] } }
        for j in 0..<k { marginal[j] /= Double(probabilities.count) }
        var kl = 0.0
        for p in probabilities { for j in 0..<k where p[j] > 0 { kl += p[j] * (log(p[j]) - log(max(marginal[j], 1e-300))) } }
        return exp(kl / Double(probabilities.count))
    }
}

/// Image-set distance errors.
public enum DistanceError: Error, CustomStringConvertible, Equatable {
    /// The two feature sets' shapes differ.
    case dimensions([Int], [Int])
    /// LAPACK's symmetric eigen-decomposition (dsyevd) did not converge.
    case noConvergence

    /// A one-line message (the two shapes, for a shape mismatch).
    public var description: String {
        switch self {
        case let .dimensions(a, b): return "feature sets differ in shape: \(a) vs \(b)"
        case .noConvergence: return "the eigen-decomposition (LAPACK dsyevd) did not converge"
        }
    }
}
