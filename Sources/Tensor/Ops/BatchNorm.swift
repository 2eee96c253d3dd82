extension Tensor {
    /// Batch normalisation over the last (channel) axis: `[N, H, W, C]` (2d) or `[N, C]` (1d) alike.
    ///
    /// Training uses the batch's statistics (biased variance) and updates the running ones in place with
    /// PyTorch's rule (`running = (1 - momentum) * running + momentum * batch`, unbiased variance).
    /// Evaluation uses the running statistics.
    /// - Parameters: gamma, beta, runningMean, runningVar: `[C]`.
    public func batchNorm(
        gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor,
        training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5
    ) -> Tensor {
        let c = shape[rank - 1], rows = count / c
        precondition(gamma.count == c && beta.count == c, "batchNorm: \(c) channels, gamma \(gamma.shape)")
        let mean = UnsafeMutableBufferPointer<Float>.allocate(capacity: c)
        let invStd = UnsafeMutableBufferPointer<Float>.allocate(capacity: c)
        defer { mean.deallocate() }
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
        // y = x * scale + shift per channel.
        let scale = UnsafeMutableBufferPointer<Float>.allocate(capacity: c)
        let shift = UnsafeMutableBufferPointer<Float>.allocate(capacity: c)
        defer { scale.deallocate(); shift.deallocate() }
        for ch in 0..<c {
            scale[ch] = gamma.pointer[ch] * invStd[ch]
            shift[ch] = beta.pointer[ch] - mean[ch] * scale[ch]
        }
        let y = TensorStorage(uninitializedCount: count)
        let px = pointer, py = y.pointer, sc = scale.baseAddress!, sh = shift.baseAddress!
        Parallel.forRanges(rows, minChunk: 4096 / max(c, 1) + 1) { r in
            for row in r {
                let xr = px + row * c, yr = py + row * c
                for ch in 0..<c { yr[ch] = xr[ch] * sc[ch] + sh[ch] }
            }
        }
        let x = self, inShape = shape
        let saved = IndexFreeBuffer(invStd), meanCopy = Array(mean)
        return Tensor.result(shape: shape, storage: y, inputs: [x, gamma, beta]) { dy in
            let inv = saved.buffer
            // Per channel: sum(dy) and sum(dy * xhat).
            let (sdy, sdyx) = Kernels.channelGradMoments(dy.pointer, x.pointer, mean: meanCopy, invStd: inv, rows: rows, channels: c)
            var grads: [Tensor?] = [nil, nil, nil]
            if gamma.requiresGrad { grads[1] = Tensor(shape: gamma.shape, scalars: (0..<c).map { Float(sdyx[$0]) }) }
            if beta.requiresGrad { grads[2] = Tensor(shape: beta.shape, scalars: (0..<c).map { Float(sdy[$0]) }) }
            if x.requiresGrad {
                let dx = TensorStorage(uninitializedCount: x.count)
                let n = Float(rows)
                var a = [Float](repeating: 0, count: c), b = a, k = a
                for ch in 0..<c {
                    let gi = gamma.pointer[ch] * inv[ch]
                    if training {
                        // dx = gamma*invstd * (dy - mean(dy) - xhat * mean(dy*xhat))
                        a[ch] = gi
                        b[ch] = gi * Float(sdy[ch]) / n
                        k[ch] = gi * Float(sdyx[ch]) / n * inv[ch]
                    } else {
                        a[ch] = gi
                    }
                }
                let pdy = dy.pointer, pxx = x.pointer, pd = dx.pointer
                Parallel.forRanges(rows, minChunk: 4096 / max(c, 1) + 1) { r in
                    for row in r {
                        let g = pdy + row * c, xr = pxx + row * c, o = pd + row * c
                        for ch in 0..<c { o[ch] = a[ch] * g[ch] - b[ch] - k[ch] * (xr[ch] - meanCopy[ch]) }
                    }
                }
                grads[0] = Tensor(shape: inShape, storage: dx)
            }
            return grads
        }
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
            let xr = x + r * c
            for ch in 0..<c { let v = xr[ch]; acc[ch] += v; acc[c + ch] += v * v }
        }
    }

    /// Per-channel sum(dy) and sum(dy * (x - mean) * invStd).
    static func channelGradMoments(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, mean: [Float], invStd: UnsafeMutableBufferPointer<Float>,
        rows: Int, channels c: Int
    ) -> ([Double], [Double]) {
        let (s, sx) = mean.withUnsafeBufferPointer { m in
            channelPairSums(rows: rows, channels: c) { r, acc in
                let g = dy + r * c, xr = x + r * c
                for ch in 0..<c { acc[ch] += g[ch]; acc[c + ch] += g[ch] * (xr[ch] - m[ch]) }
            }
        }
        return (s, (0..<c).map { sx[$0] * Double(invStd[$0]) })
    }
}
