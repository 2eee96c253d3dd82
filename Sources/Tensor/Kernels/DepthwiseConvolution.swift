extension Kernels {
    /// Depthwise convolution (channel multiplier 1): `x [N, H, W, C]`, `w [KH, KW, C]`, `y [N, OH, OW, C]`
    /// (`g.outC == g.inC`). Direct loops vectorised over channels, threaded over images; with `clamp`
    /// (inference: a fused ReLU6) each output pixel is clamped right after its sum, while in cache.
    /// (Explicit `SIMD16` accumulators were tried and were 1.7x slower: Swift spilled them to the stack.)
    public static func depthwiseForward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                        y: UnsafeMutablePointer<Float>, clamp: ClosedRange<Float>? = nil) {
        let c = g.inC, epilogue = ConvEpilogue(residual: nil, clamp: clamp)
        Parallel.forRanges(g.batch) { images in
            for n in images {
                let image = x + n * g.inH * g.inW * c
                for oh in 0..<g.outH {
                    for ow in 0..<g.outW {
                        let out = y + ((n * g.outH + oh) * g.outW + ow) * c
                        if let bias { out.update(from: bias, count: c) } else { out.initialize(repeating: 0, count: c) }
                        for kh in 0..<g.kernelH {
                            let ih = oh * g.stride - g.padTop + kh
                            guard ih >= 0 && ih < g.inH else { continue }
                            for kw in 0..<g.kernelW {
                                let iw = ow * g.stride - g.padLeft + kw
                                guard iw >= 0 && iw < g.inW else { continue }
                                let src = image + (ih * g.inW + iw) * c, wk = w + (kh * g.kernelW + kw) * c
                                for ch in 0..<c { out[ch] += src[ch] * wk[ch] }
                            }
                        }
                        epilogue.clamp(out, count: c)
                    }
                }
            }
        }
    }

    /// Gradient of `depthwiseForward` with respect to x (overwrites `dx`).
    public static func depthwiseBackwardData(_ g: ConvGeometry, dy: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        let c = g.inC
        Parallel.forRanges(g.batch) { images in
            for n in images {
                let image = dx + n * g.inH * g.inW * c
                image.initialize(repeating: 0, count: g.inH * g.inW * c)
                for oh in 0..<g.outH {
                    for ow in 0..<g.outW {
                        let grad = dy + ((n * g.outH + oh) * g.outW + ow) * c
                        for kh in 0..<g.kernelH {
                            let ih = oh * g.stride - g.padTop + kh
                            guard ih >= 0 && ih < g.inH else { continue }
                            for kw in 0..<g.kernelW {
                                let iw = ow * g.stride - g.padLeft + kw
                                guard iw >= 0 && iw < g.inW else { continue }
                                let dst = image + (ih * g.inW + iw) * c, wk = w + (kh * g.kernelW + kw) * c
                                for ch in 0..<c { dst[ch] += grad[ch] * wk[ch] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Gradients of `depthwiseForward` with respect to w `[KH, KW, C]` and bias `[C]` (both overwritten).
    public static func depthwiseBackwardFilter(_ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>?) {
        let c = g.inC, wCount = g.kernelH * g.kernelW * c
        let workers = min(Parallel.threadCount, max(1, g.batch))
        let partial = UnsafeMutablePointer<Float>.allocate(capacity: workers * (wCount + c))
        partial.initialize(repeating: 0, count: workers * (wCount + c))
        defer { partial.deallocate() }
        let chunk = (g.batch + workers - 1) / workers
        Parallel.forRanges(workers) { ws in
            for wkr in ws {
                let myDW = partial + wkr * (wCount + c), myDB = myDW + wCount
                for n in (wkr * chunk)..<min(g.batch, (wkr + 1) * chunk) {
                    let image = x + n * g.inH * g.inW * c
                    for oh in 0..<g.outH {
                        for ow in 0..<g.outW {
                            let grad = dy + ((n * g.outH + oh) * g.outW + ow) * c
                            for ch in 0..<c { myDB[ch] += grad[ch] }
                            for kh in 0..<g.kernelH {
                                let ih = oh * g.stride - g.padTop + kh
                                guard ih >= 0 && ih < g.inH else { continue }
                                for kw in 0..<g.kernelW {
                                    let iw = ow * g.stride - g.padLeft + kw
                                    guard iw >= 0 && iw < g.inW else { continue }
                                    let src = image + (ih * g.inW + iw) * c, dwk = myDW + (kh * g.kernelW + kw) * c
                                    for ch in 0..<c { dwk[ch] += grad[ch] * src[ch] }
                                }
                            }
                        }
                    }
                }
            }
        }
        dw.update(from: partial, count: wCount)
        for wkr in 1..<workers { axpy(1, partial + wkr * (wCount + c), dw, wCount) }
        if let dbias {
            dbias.update(from: partial + wCount, count: c)
            for wkr in 1..<workers { axpy(1, partial + wkr * (wCount + c) + wCount, dbias, c) }
        }
    }
}
