extension Kernels {
    /// Max pooling over NHWC windows (no padding), vectorised over channels.
    public static func maxPoolForward(_ g: ConvGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let c = g.inC
        Parallel.forRanges(g.batch) { images in
            for n in images {
                for oh in 0..<g.outH {
                    for ow in 0..<g.outW {
                        let out = y + ((n * g.outH + oh) * g.outW + ow) * c
                        out.update(from: x + ((n * g.inH + oh * g.stride) * g.inW + ow * g.stride) * c, count: c)
                        for kh in 0..<g.kernelH {
                            for kw in 0..<g.kernelW where kh > 0 || kw > 0 {
                                let src = x + ((n * g.inH + oh * g.stride + kh) * g.inW + ow * g.stride + kw) * c
                                for ch in 0..<c { out[ch] = Swift.max(out[ch], src[ch]) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Routes each output gradient to the first element of its window that equals the window's
    /// maximum `y` (PyTorch's tie rule), recomputed from `x` rather than stored (overwrites `dx`).
    public static func maxPoolBackward(_ g: ConvGeometry, x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        let c = g.inC, inImage = g.inH * g.inW * c
        Parallel.forRanges(g.batch) { images in
            (dx + images.lowerBound * inImage).initialize(repeating: 0, count: images.count * inImage)
            // pending[ch] is 1 until the window's first maximum has taken the gradient.
            let pending = UnsafeMutablePointer<Float>.allocate(capacity: c)
            defer { pending.deallocate() }
            for n in images {
                for oh in 0..<g.outH {
                    for ow in 0..<g.outW {
                        let o = ((n * g.outH + oh) * g.outW + ow) * c
                        let yo = y + o, go = dy + o
                        pending.initialize(repeating: 1, count: c)
                        for kh in 0..<g.kernelH {
                            for kw in 0..<g.kernelW {
                                let i = ((n * g.inH + oh * g.stride + kh) * g.inW + ow * g.stride + kw) * c
                                let xi = x + i, di = dx + i
                                for ch in 0..<c {
                                    let hit: Float = xi[ch] == yo[ch] ? pending[ch] : 0
                                    di[ch] += hit * go[ch]
                                    pending[ch] -= hit
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Average pooling over NHWC windows (no padding).
    public static func avgPoolForward(_ g: ConvGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let c = g.inC, scale = 1 / Float(g.kernelH * g.kernelW)
        Parallel.forRanges(g.batch) { images in
            for n in images {
                for oh in 0..<g.outH {
                    for ow in 0..<g.outW {
                        let out = y + ((n * g.outH + oh) * g.outW + ow) * c
                        out.initialize(repeating: 0, count: c)
                        for kh in 0..<g.kernelH {
                            for kw in 0..<g.kernelW {
                                let src = x + ((n * g.inH + oh * g.stride + kh) * g.inW + ow * g.stride + kw) * c
                                for ch in 0..<c { out[ch] += src[ch] }
                            }
                        }
                        for ch in 0..<c { out[ch] *= scale }
                    }
                }
            }
        }
    }

    /// Gradient of `avgPoolForward` (overwrites `dx`).
    public static func avgPoolBackward(_ g: ConvGeometry, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        let c = g.inC, scale = 1 / Float(g.kernelH * g.kernelW), inImage = g.inH * g.inW * c
        Parallel.forRanges(g.batch) { images in
            (dx + images.lowerBound * inImage).initialize(repeating: 0, count: images.count * inImage)
            for n in images {
                for oh in 0..<g.outH {
                    for ow in 0..<g.outW {
                        let grad = dy + ((n * g.outH + oh) * g.outW + ow) * c
                        for kh in 0..<g.kernelH {
                            for kw in 0..<g.kernelW {
                                let dst = dx + ((n * g.inH + oh * g.stride + kh) * g.inW + ow * g.stride + kw) * c
                                for ch in 0..<c { dst[ch] += grad[ch] * scale }
                            }
                        }
                    }
                }
            }
        }
    }
}
