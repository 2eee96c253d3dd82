extension Kernels {
    /// Max pooling over NHWC windows (no padding). Writes `y` and, per output element, the flat input
    /// index of its maximum into `argmax` (for the backward pass).
    public static func maxPoolForward(_ g: ConvGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>) {
        let c = g.inC
        Parallel.forRanges(g.batch) { images in
            for n in images {
                for oh in 0..<g.outH {
                    for ow in 0..<g.outW {
                        let o = ((n * g.outH + oh) * g.outW + ow) * c
                        let first = ((n * g.inH + oh * g.stride) * g.inW + ow * g.stride) * c
                        for ch in 0..<c { y[o + ch] = x[first + ch]; argmax[o + ch] = Int32(first + ch) }
                        for kh in 0..<g.kernelH {
                            for kw in 0..<g.kernelW {
                                let i = ((n * g.inH + oh * g.stride + kh) * g.inW + ow * g.stride + kw) * c
                                for ch in 0..<c where x[i + ch] > y[o + ch] {
                                    y[o + ch] = x[i + ch]; argmax[o + ch] = Int32(i + ch)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Routes each output gradient to its window's maximum (overwrites `dx`).
    public static func maxPoolBackward(_ g: ConvGeometry, dy: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, dx: UnsafeMutablePointer<Float>) {
        let inImage = g.inH * g.inW * g.inC, outImage = g.outH * g.outW * g.outC
        Parallel.forRanges(g.batch) { images in
            (dx + images.lowerBound * inImage).initialize(repeating: 0, count: images.count * inImage)
            for o in (images.lowerBound * outImage)..<(images.upperBound * outImage) { dx[Int(argmax[o])] += dy[o] }
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
