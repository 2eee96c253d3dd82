extension Tensor {
    /// The geometry of a `kernelH` x `kernelW` convolution of this NHWC tensor to `outC` channels.
    func convGeometry(kernelH: Int, kernelW: Int, outC: Int, stride: Int, padding: Padding) -> ConvGeometry {
        let v = padding.resolve(input: shape[1], kernel: kernelH, stride: stride, vertical: true)
        let h = padding.resolve(input: shape[2], kernel: kernelW, stride: stride, vertical: false)
        precondition(v.output > 0 && h.output > 0, "convolution: kernel \(kernelH)x\(kernelW) larger than padded input \(shape)")
        return ConvGeometry(batch: shape[0], inH: shape[1], inW: shape[2], inC: shape[3], outH: v.output, outW: h.output, outC: outC,
                            kernelH: kernelH, kernelW: kernelW, stride: stride, padTop: v.before, padLeft: h.before)
    }

    /// 2-D convolution of NHWC images, optionally followed by an activation fused into the same op:
    /// `activation(conv2d(x, weight) + bias)`. A ReLU or ReLU6 is applied by the backend while each output
    /// block is in cache (oneDNN post-op, im2col epilogue), a leaky ReLU in one pass after it; the backward
    /// pass takes the activation's slope from the output, so no pre-activation tensor is kept.
    /// - Parameters:
    ///   - weight: `[KH, KW, Cin, Cout]`.
    ///   - bias: `[Cout]` or nil.
    ///   - activation: applied last, or nil.
    /// - Returns: `[N, OH, OW, Cout]`.
    public func conv2d(_ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Padding = .valid,
                       activation: PiecewiseLinear? = nil) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[2] == shape[3], "conv2d: input \(shape), weight \(weight.shape)")
        let cout = weight.shape[3]
        let g = convGeometry(kernelH: weight.shape[0], kernelW: weight.shape[1], outC: cout, stride: stride, padding: padding)
        let total = g.batch * g.outPixels * cout
        let y = TensorStorage(uninitializedCount: total)
        let b = bias.map { UnsafePointer($0.pointer) }
        switch activation {
        case nil:
            Kernels.convolution.forward(g, x: pointer, w: weight.pointer, bias: b, y: y.pointer)
        case let f? where f.negativeSlope == 0:
            Kernels.convolution.forward(g, x: pointer, w: weight.pointer, bias: b, y: y.pointer, epilogue: ConvEpilogue(residual: nil, clamp: 0...f.upper))
        case let f?:
            Kernels.convolution.forward(g, x: pointer, w: weight.pointer, bias: b, y: y.pointer)
            let py = y.pointer
            Parallel.forRanges(total, minChunk: 1 << 16) { r in for i in r { py[i] = f(py[i]) } }
        }
        let x = self
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return Tensor.result(shape: [g.batch, g.outH, g.outW, cout], storage: y, inputs: inputs) { gradient in
            var dy = gradient
            if let activation {
                let gated = TensorStorage(uninitializedCount: total)
                let pg = gradient.pointer, py = y.pointer, pd = gated.pointer
                Parallel.forRanges(total, minChunk: 1 << 16) { r in for i in r { pd[i] = pg[i] * activation.slope(output: py[i]) } }
                dy = Tensor(shape: gradient.shape, storage: gated)
            }
            var grads: [Tensor?] = [nil, nil, nil]
            if x.requiresGrad {
                let dx = Tensor(zeros: x.shape)
                Kernels.convolution.backwardData(g, dy: dy.pointer, w: weight.pointer, dx: dx.pointer)
                grads[0] = dx
            }
            if weight.requiresGrad || bias?.requiresGrad == true {
                let dw = Tensor(zeros: weight.shape)
                let db = bias.map { Tensor(zeros: $0.shape) }
                Kernels.convolution.backwardFilter(g, x: x.pointer, dy: dy.pointer, dw: dw.pointer, dbias: db?.pointer)
                grads[1] = dw
                grads[2] = db
            }
            return Array(grads.prefix(inputs.count))
        }
    }

    /// Depthwise 2-D convolution (one filter per channel) of NHWC images.
    /// - Parameters:
    ///   - weight: `[KH, KW, C]`.
    ///   - bias: `[C]` or nil.
    /// - Returns: `[N, OH, OW, C]`.
    public func depthwiseConv2d(_ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Padding = .valid) -> Tensor {
        precondition(rank == 4 && weight.rank == 3 && weight.shape[2] == shape[3], "depthwiseConv2d: input \(shape), weight \(weight.shape)")
        let c = shape[3]
        let g = convGeometry(kernelH: weight.shape[0], kernelW: weight.shape[1], outC: c, stride: stride, padding: padding)
        let y = TensorStorage(uninitializedCount: g.batch * g.outPixels * c)
        Kernels.convolution.depthwiseForward(g, x: pointer, w: weight.pointer, bias: bias.map { UnsafePointer($0.pointer) }, y: y.pointer, clamp: nil)
        let x = self
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return Tensor.result(shape: [g.batch, g.outH, g.outW, c], storage: y, inputs: inputs) { dy in
            var grads: [Tensor?] = [nil, nil, nil]
            if x.requiresGrad {
                let dx = Tensor(zeros: x.shape)
                Kernels.convolution.depthwiseBackwardData(g, dy: dy.pointer, w: weight.pointer, dx: dx.pointer)
                grads[0] = dx
            }
            if weight.requiresGrad || bias?.requiresGrad == true {
                let dw = Tensor(zeros: weight.shape)
                let db = bias.map { Tensor(zeros: $0.shape) }
                Kernels.convolution.depthwiseBackwardFilter(g, x: x.pointer, dy: dy.pointer, dw: dw.pointer, dbias: db?.pointer)
                grads[1] = dw
                grads[2] = db
            }
            return Array(grads.prefix(inputs.count))
        }
    }

    /// Transposed 2-D convolution (the adjoint of a strided convolution), as in PyTorch's ConvTranspose2d.
    /// - Parameters:
    ///   - weight: `[KH, KW, Cout, Cin]` (TensorFlow's `conv2d_transpose` filter layout).
    ///   - padding: pixels removed from each side of the full output (PyTorch's `padding`).
    ///   - outputPadding: extra pixels on the bottom/right (PyTorch's `output_padding`).
    /// - Returns: `[N, (H-1)*stride - 2*padding + KH + outputPadding, ..., Cout]`.
    public func convTranspose2d(_ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[3] == shape[3], "convTranspose2d: input \(shape), weight \(weight.shape)")
        let (kh, kw, cout) = (weight.shape[0], weight.shape[1], weight.shape[2])
        let outH = (shape[1] - 1) * stride - 2 * padding + kh + outputPadding
        let outW = (shape[2] - 1) * stride - 2 * padding + kw + outputPadding
        // The forward conv this op is the adjoint of: [N, outH, outW, Cout] -> [N, H, W, Cin].
        let g = ConvGeometry(batch: shape[0], inH: outH, inW: outW, inC: cout, outH: shape[1], outW: shape[2], outC: shape[3],
                             kernelH: kh, kernelW: kw, stride: stride, padTop: padding, padLeft: padding)
        let y = TensorStorage(uninitializedCount: g.batch * outH * outW * cout)
        Kernels.convolution.backwardData(g, dy: pointer, w: weight.pointer, dx: y.pointer)
        if let bias {
            for p in 0..<(g.batch * outH * outW) { Kernels.axpy(1, bias.pointer, y.pointer + p * cout, cout) }
        }
        let x = self
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return Tensor.result(shape: [g.batch, outH, outW, cout], storage: y, inputs: inputs) { dy in
            var grads: [Tensor?] = [nil, nil, nil]
            if x.requiresGrad {
                let dx = Tensor(zeros: x.shape)
                Kernels.convolution.forward(g, x: dy.pointer, w: weight.pointer, bias: nil, y: dx.pointer)
                grads[0] = dx
            }
            if weight.requiresGrad {
                let dw = Tensor(zeros: weight.shape)
                Kernels.convolution.backwardFilter(g, x: dy.pointer, dy: x.pointer, dw: dw.pointer, dbias: nil)
                grads[1] = dw
            }
            if let bias, bias.requiresGrad {
                let db = Tensor(zeros: bias.shape)
                Kernels.columnSums(dy.pointer, rows: dy.count / cout, cols: cout, into: db.pointer)
                grads[2] = db
            }
            return Array(grads.prefix(inputs.count))
        }
    }

    /// Fully connected layer: `[N, In] x [In, Out] + [Out] -> [N, Out]` in one GEMM.
    public func linear(_ weight: Tensor, bias: Tensor?) -> Tensor {
        precondition(rank == 2 && weight.rank == 2 && weight.shape[0] == shape[1], "linear: input \(shape), weight \(weight.shape)")
        let (m, k, n) = (shape[0], shape[1], weight.shape[1])
        let out = TensorStorage(uninitializedCount: m * n)
        if let bias { for r in 0..<m { (out.pointer + r * n).update(from: bias.pointer, count: n) } }
        Kernels.parallelGemm(transA: false, transB: false, m: m, n: n, k: k, pointer, lda: k, weight.pointer, ldb: n,
                             beta: bias == nil ? 0 : 1, out.pointer, ldc: n)
        let x = self
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return Tensor.result(shape: [m, n], storage: out, inputs: inputs) { g in
            var grads: [Tensor?] = [nil, nil, nil]
            if x.requiresGrad {
                let s = TensorStorage(uninitializedCount: m * k)
                Kernels.parallelGemm(transA: false, transB: true, m: m, n: k, k: n, g.pointer, lda: n, weight.pointer, ldb: n, s.pointer, ldc: k)
                grads[0] = Tensor(shape: [m, k], storage: s)
            }
            if weight.requiresGrad {
                let s = TensorStorage(uninitializedCount: k * n)
                Kernels.parallelGemm(transA: true, transB: false, m: k, n: n, k: m, x.pointer, lda: k, g.pointer, ldb: n, s.pointer, ldc: n)
                grads[1] = Tensor(shape: [k, n], storage: s)
            }
            if let bias, bias.requiresGrad {
                let db = Tensor(zeros: [n])
                Kernels.columnSums(g.pointer, rows: m, cols: n, into: db.pointer)
                grads[2] = db
            }
            return Array(grads.prefix(inputs.count))
        }
    }
}
