import Foundation

/// The interface every convolution implementation provides, so backends (im2col + OpenBLAS, oneDNN)
/// can be swapped and benchmarked alone (`ShapeRoutedConvolution` picks one per shape). All buffers are NHWC / `[KH, KW, Cin, Cout]`, row-major.
public protocol ConvolutionBackend: Sendable {
    /// y = conv(x, w) + bias. `y` is overwritten.
    func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>)
    /// y = epilogue(conv(x, w) + bias): the residual added and the clamp applied (inference only; see `ConvEpilogue`).
    func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                 y: UnsafeMutablePointer<Float>, epilogue: ConvEpilogue)
    /// dx = d(sum(y * dy)) / dx. `dx` is overwritten.
    func backwardData(_ g: ConvGeometry, dy: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>)
    /// dw (and dbias when given) = gradients of sum(y * dy). Both are overwritten.
    func backwardFilter(_ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>?)

    /// Depthwise convolution (one `[KH, KW]` filter per channel, `w` is `[KH, KW, C]`, `g.outC == g.inC`):
    /// y = clamp(conv(x, w) + bias). The default runs `Kernels.depthwiseForward`.
    func depthwiseForward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          y: UnsafeMutablePointer<Float>, clamp: ClosedRange<Float>?)
    /// The input gradient of `depthwiseForward` (without clamp); `dx` is overwritten.
    func depthwiseBackwardData(_ g: ConvGeometry, dy: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>)
    /// The `[KH, KW, C]` filter and `[C]` bias gradients of `depthwiseForward`; both overwritten.
    func depthwiseBackwardFilter(_ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
                                 dbias: UnsafeMutablePointer<Float>?)
}

extension ConvolutionBackend {
    /// Runs `Kernels.depthwiseForward`: `y` (`[N, outH, outW, C]`) = clamp(depthwise conv of `x` (`[N, inH, inW, C]`)
    /// with `w` (`[KH, KW, C]`) + `bias` (`[C]`)). `y` is overwritten.
    public func depthwiseForward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                 y: UnsafeMutablePointer<Float>, clamp: ClosedRange<Float>?) {
        Kernels.depthwiseForward(g, x: x, w: w, bias: bias, y: y, clamp: clamp)
    }

    /// Runs `Kernels.depthwiseBackwardData`: overwrites `dx` (`[N, inH, inW, C]`) with the input gradient for `dy`
    /// (`[N, outH, outW, C]`) and filter `w` (`[KH, KW, C]`).
    public func depthwiseBackwardData(_ g: ConvGeometry, dy: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        Kernels.depthwiseBackwardData(g, dy: dy, w: w, dx: dx)
    }

    /// Runs `Kernels.depthwiseBackwardFilter`: overwrites `dw` (`[KH, KW, C]`) and, when given, `dbias` (`[C]`) with the
    /// gradients for input `x` (`[N, inH, inW, C]`) and `dy` (`[N, outH, outW, C]`).
    public func depthwiseBackwardFilter(_ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
                                        dbias: UnsafeMutablePointer<Float>?) {
        Kernels.depthwiseBackwardFilter(g, x: x, dy: dy, dw: dw, dbias: dbias)
    }
}

extension Kernels {
    /// The convolution backend used by the ops: `ShapeRoutedConvolution` unless `DISCERN_CONVOLUTION` names
    /// another (`im2col` or `onednn`; for comparisons, and a way around oneDNN on a CPU where it misbehaves).
    nonisolated(unsafe) public static var convolution: any ConvolutionBackend = {
        switch ProcessInfo.processInfo.environment["DISCERN_CONVOLUTION"] {
        case "im2col": return Im2colConvolution()
        case "onednn": return OneDNNConvolution() ?? ShapeRoutedConvolution()
        default: return ShapeRoutedConvolution()
        }
    }()
}

/// Convolution as im2col + OpenBLAS SGEMM, threaded over blocks of images (OpenBLAS single-threaded).
public struct Im2colConvolution: ConvolutionBackend {
    /// Upper bound on one block's im2col buffer, in floats (keeps it near the L2 cache).
    public var blockFloats: Int

    /// Creates the backend.
    /// - Parameter blockFloats: Upper bound on one block's im2col buffer, in floats (default 2^18 = 1 MiB).
    public init(blockFloats: Int = 1 << 18) { self.blockFloats = blockFloats }

    private func imagesPerBlock(_ g: ConvGeometry) -> Int {
        max(1, blockFloats / max(1, g.outPixels * g.patchSize))
    }

    /// Runs `body(images, scratch)` over blocks of images, blocks split across workers.
    private func forBlocks(_ g: ConvGeometry, needsScratch: Bool, _ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
        let per = imagesPerBlock(g)
        Parallel.forRanges(g.batch) { images in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: needsScratch ? per * g.outPixels * g.patchSize : 1)
            defer { scratch.deallocate() }
            var n0 = images.lowerBound
            while n0 < images.upperBound {
                let n1 = min(images.upperBound, n0 + per)
                body(n0..<n1, scratch)
                n0 = n1
            }
        }
    }

    /// y = conv(x, w) + bias with no epilogue: `x` is `[N, inH, inW, inC]`, `w` is `[KH, KW, inC, outC]`, `bias` is
    /// `[outC]`, and `y` (`[N, outH, outW, outC]`) is overwritten.
    public func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        forward(g, x: x, w: w, bias: bias, y: y, epilogue: .none)
    }

    /// Per block of images: the output rows start as bias (+ residual), the GEMM adds into them, and the
    /// clamp runs on the block while it is still in cache.
    public func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>, epilogue: ConvEpilogue) {
        let k = g.patchSize, inImage = g.inH * g.inW * g.inC, c = g.outC
        forBlocks(g, needsScratch: !g.isPointwise) { images, scratch in
            let rows = images.count * g.outPixels, first = images.lowerBound * g.outPixels * c
            let yBlock = y + first
            let cols: UnsafePointer<Float>
            if g.isPointwise {
                cols = x + images.lowerBound * inImage
            } else {
                Kernels.im2col(g, x: x, images: images, cols: scratch)
                cols = UnsafePointer(scratch)
            }
            var beta: Float = 0
            if let residual = epilogue.residual {
                yBlock.update(from: residual + first, count: rows * c)
                if let bias {
                    for r in 0..<rows {
                        let row = yBlock + r * c
                        for ch in 0..<c { row[ch] += bias[ch] }
                    }
                }
                beta = 1
            } else if let bias {
                for r in 0..<rows { (yBlock + r * c).update(from: bias, count: c) }
                beta = 1
            }
            Kernels.gemm(transA: false, transB: false, m: rows, n: c, k: k, cols, lda: k, w, ldb: c,
                         beta: beta, yBlock, ldc: c)
            epilogue.clamp(yBlock, count: rows * c)
        }
    }

    /// Overwrites `dx` (`[N, inH, inW, inC]`) with dy x wᵀ folded back by `col2im` (for 1x1 stride-1 unpadded
    /// convolutions the GEMM writes `dx` directly). `dy` is `[N, outH, outW, outC]`, `w` is `[KH, KW, inC, outC]`.
    public func backwardData(_ g: ConvGeometry, dy: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        let k = g.patchSize, inImage = g.inH * g.inW * g.inC
        forBlocks(g, needsScratch: !g.isPointwise) { images, scratch in
            let rows = images.count * g.outPixels
            let dyBlock = dy + images.lowerBound * g.outPixels * g.outC
            if g.isPointwise {
                Kernels.gemm(transA: false, transB: true, m: rows, n: k, k: g.outC, dyBlock, lda: g.outC, w, ldb: g.outC,
                             dx + images.lowerBound * inImage, ldc: k)
                return
            }
            Kernels.gemm(transA: false, transB: true, m: rows, n: k, k: g.outC, dyBlock, lda: g.outC, w, ldb: g.outC, scratch, ldc: k)
            Kernels.col2im(g, cols: scratch, images: images, dx: dx)
        }
    }

    /// Overwrites `dw` (`[KH, KW, inC, outC]`) with colsᵀ x dy summed over the batch and, when given, `dbias`
    /// (`[outC]`) with `dy` summed over batch and pixels. Each worker accumulates its own partial sums, added at the end.
    public func backwardFilter(_ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>?) {
        let k = g.patchSize, inImage = g.inH * g.inW * g.inC
        let workers = min(Parallel.threadCount, g.batch)
        // One partial dW (and dbias) per worker, summed at the end: no locks on the hot path.
        let partial = UnsafeMutablePointer<Float>.allocate(capacity: workers * (k * g.outC + g.outC))
        partial.initialize(repeating: 0, count: workers * (k * g.outC + g.outC))
        defer { partial.deallocate() }
        let chunk = (g.batch + workers - 1) / workers
        let per = imagesPerBlock(g)
        Parallel.forRanges(workers) { ws in
            for wkr in ws {
                let lo = wkr * chunk, hi = min(g.batch, lo + chunk)
                guard lo < hi else { continue }
                let myDW = partial + wkr * (k * g.outC + g.outC), myDB = myDW + k * g.outC
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: g.isPointwise ? 1 : per * g.outPixels * k)
                defer { scratch.deallocate() }
                var n0 = lo
                while n0 < hi {
                    let n1 = min(hi, n0 + per), rows = (n1 - n0) * g.outPixels
                    let dyBlock = dy + n0 * g.outPixels * g.outC
                    let cols: UnsafePointer<Float>
                    if g.isPointwise {
                        cols = x + n0 * inImage
                    } else {
                        Kernels.im2col(g, x: x, images: n0..<n1, cols: scratch)
                        cols = UnsafePointer(scratch)
                    }
                    Kernels.gemm(transA: true, transB: false, m: k, n: g.outC, k: rows, cols, lda: k, dyBlock, ldb: g.outC,
                                 beta: 1, myDW, ldc: g.outC)
                    if dbias != nil {
                        for r in 0..<rows {
                            let row = dyBlock + r * g.outC
                            for c in 0..<g.outC { myDB[c] += row[c] }
                        }
                    }
                    n0 = n1
                }
            }
        }
        dw.update(from: partial, count: k * g.outC)
        for wkr in 1..<max(workers, 1) { Kernels.axpy(1, partial + wkr * (k * g.outC + g.outC), dw, k * g.outC) }
        if let dbias {
            dbias.initialize(repeating: 0, count: g.outC)
            for wkr in 0..<workers { Kernels.axpy(1, partial + wkr * (k * g.outC + g.outC) + k * g.outC, dbias, g.outC) }
        }
    }
}

extension Kernels {
    /// Unfolds the patches of `images` into rows of `cols` ([images * outH * outW, KH * KW * C]), zeros where padded.
    public static func im2col(_ g: ConvGeometry, x: UnsafePointer<Float>, images: Range<Int>, cols: UnsafeMutablePointer<Float>) {
        let c = g.inC, k = g.patchSize, rowLen = g.kernelW * c
        var row = cols
        for n in images {
            let image = x + n * g.inH * g.inW * c
            for oh in 0..<g.outH {
                let ih0 = oh * g.stride - g.padTop
                for ow in 0..<g.outW {
                    let iw0 = ow * g.stride - g.padLeft
                    let kw0 = max(0, -iw0), kw1 = min(g.kernelW, g.inW - iw0)
                    var dst = row
                    for kh in 0..<g.kernelH {
                        let ih = ih0 + kh
                        if ih < 0 || ih >= g.inH || kw0 >= kw1 {
                            dst.initialize(repeating: 0, count: rowLen)
                        } else {
                            if kw0 > 0 { dst.initialize(repeating: 0, count: kw0 * c) }
                            (dst + kw0 * c).update(from: image + (ih * g.inW + iw0 + kw0) * c, count: (kw1 - kw0) * c)
                            if kw1 < g.kernelW { (dst + kw1 * c).initialize(repeating: 0, count: (g.kernelW - kw1) * c) }
                        }
                        dst += rowLen
                    }
                    row += k
                }
            }
        }
    }

    /// Adjoint of `im2col`: overwrites the `images` of `dx` with the sum of the patch gradients in `cols`.
    public static func col2im(_ g: ConvGeometry, cols: UnsafePointer<Float>, images: Range<Int>, dx: UnsafeMutablePointer<Float>) {
        let c = g.inC, k = g.patchSize, rowLen = g.kernelW * c, inImage = g.inH * g.inW * c
        (dx + images.lowerBound * inImage).initialize(repeating: 0, count: images.count * inImage)
        var row = cols
        for n in images {
            let image = dx + n * inImage
            for oh in 0..<g.outH {
                let ih0 = oh * g.stride - g.padTop
                for ow in 0..<g.outW {
                    let iw0 = ow * g.stride - g.padLeft
                    let kw0 = max(0, -iw0), kw1 = min(g.kernelW, g.inW - iw0)
                    var src = row
                    if kw0 < kw1 {
                        for kh in 0..<g.kernelH {
                            let ih = ih0 + kh
                            if ih >= 0 && ih < g.inH {
                                let dst = image + (ih * g.inW + iw0 + kw0) * c
                                let s = src + kw0 * c
                                for i in 0..<((kw1 - kw0) * c) { dst[i] += s[i] }
                            }
                            src += rowLen
                        }
                    }
                    row += k
                }
            }
        }
    }
}
