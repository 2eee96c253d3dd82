/// The activation a batch norm can apply in the same pass: slope 1 on (0, upper), `negativeSlope` at and below 0,
/// 0 at and above `upper` (ReLU, ReLU6, leaky ReLU). Its derivative is read from the output alone (the output is
/// positive exactly where the input was, and equals `upper` exactly where it was clamped), so the fused op keeps
/// no pre-activation tensor for its backward pass.
public struct PiecewiseLinear: Hashable, Sendable {
    /// The clamp at the top (`.infinity` for none; must be above 0) and the slope for inputs at or below 0 (0 for ReLU; not negative).
    public var upper: Float, negativeSlope: Float

    /// Creates the activation; the defaults give plain ReLU.
    /// - Parameters:
    ///   - upper: Outputs are clamped to this value (above 0); `.infinity` for no clamp.
    ///   - negativeSlope: The slope for inputs at or below 0 (at least 0).
    public init(upper: Float = .infinity, negativeSlope: Float = 0) {
        precondition(negativeSlope >= 0 && upper > 0, "PiecewiseLinear: slope \(negativeSlope), upper \(upper)")
        self.upper = upper; self.negativeSlope = negativeSlope
    }

    /// ReLU: max(x, 0).
    public static let relu = PiecewiseLinear()
    /// ReLU6: min(max(x, 0), 6).
    public static let relu6 = PiecewiseLinear(upper: 6)
    /// Leaky ReLU: `x` above 0, `slope * x` at and below 0 (`slope` at least 0).
    public static func leakyRelu(_ slope: Float) -> PiecewiseLinear { PiecewiseLinear(negativeSlope: slope) }

    @inline(__always) func callAsFunction(_ v: Float) -> Float { v > 0 ? Swift.min(v, upper) : v * negativeSlope }
    /// d output / d input, from the output `y`.
    @inline(__always) func slope(output y: Float) -> Float {
        let s: Float = y > 0 ? 1 : negativeSlope
        let inside: Float = y < upper ? 1 : 0
        return s * inside
    }
}

extension Tensor {
    /// Batch normalisation over the last (channel) axis: `[N, H, W, C]` (2d) or `[N, C]` (1d) alike, then
    /// optionally `+ residual` and an activation, all in one pass over memory forward and two backward:
    /// `activation(x_hat * gamma + beta + residual)`.
    ///
    /// Training uses the batch's statistics (biased variance) and updates the running ones in place with
    /// PyTorch's rule (`running = (1 - momentum) * running + momentum * batch`, unbiased variance).
    /// Evaluation uses the running statistics.
    /// - Parameters:
    ///   - gamma, beta, runningMean, runningVar: `[C]`.
    ///   - residual: added after the normalisation, before the activation (ResNet's shortcut); the shape of `self`.
    ///   - activation: applied last, or nil.
    public func batchNorm(
        gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor,
        training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5,
        residual: Tensor? = nil, activation: PiecewiseLinear? = nil
    ) -> Tensor {
        let c = shape[rank - 1], rows = count / c
        precondition(gamma.count == c && beta.count == c, "batchNorm: \(c) channels, gamma \(gamma.shape)")
        precondition(residual.map { $0.shape == shape } ?? true, "batchNorm: residual \(residual!.shape) for \(shape)")
        let (mean, invStd) = batchNormStatistics(runningMean: runningMean, runningVar: runningVar, training: training,
                                                 momentum: momentum, epsilon: epsilon)
        defer { mean.deallocate() }
        // y = activation(x * scale + shift (+ residual)) per channel.
        var scale = [Float](repeating: 0, count: c), shift = scale
        for ch in 0..<c {
            scale[ch] = gamma.pointer[ch] * invStd[ch]
            shift[ch] = beta.pointer[ch] - mean[ch] * scale[ch]
        }
        let y = TensorStorage(uninitializedCount: count)
        let px = pointer, py = y.pointer, pr = residual?.pointer
        let chunk = 4096 / max(c, 1) + 1
        scale.withUnsafeBufferPointer { sc in shift.withUnsafeBufferPointer { sh in
            Parallel.forRanges(rows, minChunk: chunk) { r in
                for row in r {
                    let xr = px + row * c, yr = py + row * c
                    if let pr {
                        let rr = pr + row * c
                        if let act = activation {
                            for ch in 0..<c { yr[ch] = act(xr[ch] * sc[ch] + sh[ch] + rr[ch]) }
                        } else {
                            for ch in 0..<c { yr[ch] = xr[ch] * sc[ch] + sh[ch] + rr[ch] }
                        }
                    } else if let act = activation {
                        for ch in 0..<c { yr[ch] = act(xr[ch] * sc[ch] + sh[ch]) }
                    } else {
                        for ch in 0..<c { yr[ch] = xr[ch] * sc[ch] + sh[ch] }
                    }
                }
            }
        } }
        let x = self, inShape = shape
        let saved = IndexFreeBuffer(invStd), meanCopy = Array(mean)
        var inputs = [x, gamma, beta]
        if let residual { inputs.append(residual) }
        return Tensor.result(shape: shape, storage: y, inputs: inputs) { dy in
            let inv = saved.buffer
            var grads: [Tensor?] = Array(repeating: nil, count: inputs.count)
            // g = dy * activation'(y), the gradient at the sum: stored when the residual needs it, else recomputed
            // inside the two backward passes (`gate`).
            var g = UnsafePointer(dy.pointer), gate = activation.map { (output: UnsafePointer(py), activation: $0) }
            if let residual, residual.requiresGrad {
                if let activation {
                    let dr = TensorStorage(uninitializedCount: x.count)
                    let pdy = dy.pointer, pd = dr.pointer
                    Parallel.forRanges(x.count, minChunk: 1 << 16) { r in
                        let act = activation  // a local copy: no store through pd can change it, so the loop vectorises
                        for i in r { pd[i] = pdy[i] * act.slope(output: py[i]) }
                    }
                    grads[3] = Tensor(shape: inShape, storage: dr)
                    g = UnsafePointer(dr.pointer)
                    gate = nil
                } else {
                    grads[3] = dy
                }
            }
            return Self.batchNormBackward(dy: g, gate: gate, x: x, gamma: gamma, beta: beta, mean: meanCopy, invStd: inv,
                                          training: training, rows: rows, channels: c, grads: grads)
        }
    }

    /// The gradients of x, gamma and beta of batch normalisation given `dy` at its output, times
    /// `gate.activation'(gate.output)` when a gate is given (the fused op's gradient is then never stored).
    private static func batchNormBackward(
        dy: UnsafePointer<Float>, gate: (output: UnsafePointer<Float>, activation: PiecewiseLinear)?, x: Tensor, gamma: Tensor, beta: Tensor,
        mean: [Float], invStd inv: UnsafeMutableBufferPointer<Float>, training: Bool, rows: Int, channels c: Int, grads: [Tensor?]
    ) -> [Tensor?] {
        var grads = grads
        let px = x.pointer
        // Per channel: sum(g) and sum(g * xhat).
        let (sdy, sdyx): ([Double], [Double]) = mean.withUnsafeBufferPointer { m in
            let mp = m.baseAddress!
            if case let (output, activation)? = gate {
                return Kernels.channelPairSums(rows: rows, channels: c) { r, acc in
                    // `second` rather than acc[c + ch]: an overflow-checked index add stops the loop vectorising.
                    let d = dy + r * c, o = output + r * c, xr = px + r * c, act = activation, second = acc + c
                    for ch in 0..<c {
                        let gv = d[ch] * act.slope(output: o[ch])
                        acc[ch] += gv; second[ch] += gv * (xr[ch] - mp[ch])
                    }
                }
            }
            return Kernels.channelPairSums(rows: rows, channels: c) { r, acc in
                let d = dy + r * c, xr = px + r * c, second = acc + c
                for ch in 0..<c { acc[ch] += d[ch]; second[ch] += d[ch] * (xr[ch] - mp[ch]) }
            }
        }
        let sdyxhat = (0..<c).map { sdyx[$0] * Double(inv[$0]) }
        if gamma.requiresGrad { grads[1] = Tensor(shape: gamma.shape, scalars: (0..<c).map { Float(sdyxhat[$0]) }) }
        if beta.requiresGrad { grads[2] = Tensor(shape: beta.shape, scalars: (0..<c).map { Float(sdy[$0]) }) }
        guard x.requiresGrad else { return grads }
        let dx = TensorStorage(uninitializedCount: x.count)
        let n = Float(rows)
        // dx = gamma*invstd * (g - mean(g) - xhat * mean(g*xhat)) in training; gamma*invstd * g in evaluation.
        var a = [Float](repeating: 0, count: c), b = a, k = a
        for ch in 0..<c {
            let gi = gamma.pointer[ch] * inv[ch]
            a[ch] = gi
            if training {
                b[ch] = gi * Float(sdy[ch]) / n
                k[ch] = gi * Float(sdyxhat[ch]) / n * inv[ch]
            }
        }
        let pd = dx.pointer
        // Per-channel constants as raw pointers: the checked build bounds-checks array reads in this hot loop.
        let constants = UnsafeMutablePointer<Float>.allocate(capacity: 4 * c)
        defer { constants.deallocate() }
        for (i, values) in [a, b, k, mean].enumerated() { (constants + i * c).update(from: values, count: c) }
        let pa = constants, pb = constants + c, pk = constants + 2 * c, pm = constants + 3 * c
        Parallel.forRanges(rows, minChunk: 4096 / max(c, 1) + 1) { r in
            for row in r {
                let d = dy + row * c, xr = px + row * c, o = pd + row * c
                if case let (output, act)? = gate {
                    let y = output + row * c
                    for ch in 0..<c { o[ch] = pa[ch] * (d[ch] * act.slope(output: y[ch])) - pb[ch] - pk[ch] * (xr[ch] - pm[ch]) }
                } else {
                    for ch in 0..<c { o[ch] = pa[ch] * d[ch] - pb[ch] - pk[ch] * (xr[ch] - pm[ch]) }
                }
            }
        }
        grads[0] = Tensor(shape: x.shape, storage: dx)
        return grads
    }
}

extension Tensor {
    /// Per-channel mean and 1 / sqrt(variance + epsilon) of batch normalisation over the last axis: the batch's
    /// (training; the running statistics are updated with PyTorch's rule) or the running ones (evaluation).
    /// The caller deallocates `mean`; `invStd` is handed to the backward closure, which owns it.
    func batchNormStatistics(runningMean: Tensor, runningVar: Tensor, training: Bool, momentum: Float, epsilon: Float)
        -> (mean: UnsafeMutableBufferPointer<Float>, invStd: UnsafeMutableBufferPointer<Float>) {
        let c = shape[rank - 1], rows = count / c
        let mean = UnsafeMutableBufferPointer<Float>.allocate(capacity: c)
        let invStd = UnsafeMutableBufferPointer<Float>.allocate(capacity: c)
        if training {
            precondition(rows > 1, "batchNorm in training needs more than one value per channel")
            let (s, ss) = Kernels.channelMoments(pointer, rows: rows, channels: c)
            for ch in 0..<c {
                let m = s[ch] / Double(rows)
                let v = max(ss[ch] / Double(rows) - m * m, 0)
                mean[ch] = Float(m)
                invStd[ch] = Float(1 / (v + Double(epsilon)).squareRoot())
                runningMean.pointer[ch] = (1 - momentum) * runningMean.pointer[ch] + momentum * Float(m)
                runningVar.pointer[ch] = (1 - momentum) * runningVar.pointer[ch] + momentum * Float(v * Double(rows) / Double(rows - 1))
            }
        } else {
            for ch in 0..<c {
                mean[ch] = runningMean.pointer[ch]
                invStd[ch] = 1 / (runningVar.pointer[ch] + epsilon).squareRoot()
            }
        }
        return (mean, invStd)
    }
}

/// Owns a float buffer captured by a backward closure.
final class IndexFreeBuffer {
    let buffer: UnsafeMutableBufferPointer<Float>
    init(_ buffer: UnsafeMutableBufferPointer<Float>) { self.buffer = buffer }
    deinit { buffer.deallocate() }
}

extension Kernels {
    /// Per-channel sums of two quantities over `rows` of a `[rows, channels]` layout, threaded: `accumulate(row, acc)`
    /// adds a row's first quantity into `acc[0..<channels]` and its second into `acc[channels..<2*channels]`.
    /// Float partial sums over runs of 64 rows are folded into Double: fast and accurate.
    static func channelPairSums(rows: Int, channels c: Int, _ accumulate: (Int, UnsafeMutablePointer<Float>) -> Void) -> ([Double], [Double]) {
        let workers = Parallel.threadCount
        var partial = [[Double]](repeating: [Double](repeating: 0, count: 2 * c), count: workers)
        let chunk = (rows + workers - 1) / workers
        partial.withUnsafeMutableBufferPointer { parts in
            let base = parts.baseAddress!
            Parallel.forRanges(workers) { ws in
                for w in ws {
                    let local = UnsafeMutablePointer<Float>.allocate(capacity: 2 * c)
                    defer { local.deallocate() }
                    var acc = [Double](repeating: 0, count: 2 * c)
                    var row = w * chunk
                    let hi = min(rows, row + chunk)
                    while row < hi {
                        let end = min(hi, row + 64)
                        local.initialize(repeating: 0, count: 2 * c)
                        for r in row..<end { accumulate(r, local) }
                        for ch in 0..<(2 * c) { acc[ch] += Double(local[ch]) }
                        row = end
                    }
                    base[w] = acc
                }
            }
        }
        var first = [Double](repeating: 0, count: c), second = first
        for p in partial { for ch in 0..<c { first[ch] += p[ch]; second[ch] += p[c + ch] } }
        return (first, second)
    }

    /// Per-channel sum and sum of squares of a `[rows, channels]` buffer.
    static func channelMoments(_ x: UnsafePointer<Float>, rows: Int, channels c: Int) -> ([Double], [Double]) {
        channelPairSums(rows: rows, channels: c) { r, acc in
            let xr = x + r * c, second = acc + c
            for ch in 0..<c { let v = xr[ch]; acc[ch] += v; second[ch] += v * v }
        }
    }
}
