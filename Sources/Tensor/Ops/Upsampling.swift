extension Tensor {
    /// Nearest-neighbour upsampling of NHWC input by an integer factor (PyTorch's
    /// `nn.Upsample(scale_factor: f, mode: "nearest")`): `[N, H, W, C] -> [N, H*f, W*f, C]`,
    /// each input pixel copied to an f x f block. The gradient sums each block.
    public func upsampledNearest(_ factor: Int) -> Tensor {
        precondition(rank == 4, "upsampledNearest needs NHWC input, have \(shape)")
        precondition(factor >= 1, "upsampling factor must be at least 1, not \(factor)")
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        let (oh, ow) = (h * factor, w * factor)
        let out = TensorStorage(uninitializedCount: n * oh * ow * c)
        let src = pointer, dst = out.pointer
        Parallel.forRanges(n * oh, minChunk: 8) { rows in
            for row in rows {
                let image = row / oh, y = row % oh
                let inRow = src + (image * h + y / factor) * w * c
                let outRow = dst + row * ow * c
                for x in 0..<ow { (outRow + x * c).update(from: inRow + (x / factor) * c, count: c) }
            }
        }
        let inputShape = shape
        return Tensor.result(shape: [n, oh, ow, c], storage: out, inputs: [self]) { g in
            let dx = TensorStorage(repeating: 0, count: n * h * w * c)
            let pg = g.pointer, pd = dx.pointer
            Parallel.forRanges(n * h, minChunk: 8) { rows in
                for row in rows {
                    let image = row / h, y = row % h
                    let outRow = pd + row * w * c
                    for dy in 0..<factor {
                        let inRow = pg + (image * oh + y * factor + dy) * ow * c
                        for x in 0..<ow {
                            let d = outRow + (x / factor) * c, s = inRow + x * c
                            for k in 0..<c { d[k] += s[k] }
                        }
                    }
                }
            }
            return [Tensor(shape: inputShape, storage: dx)]
        }
    }
}
