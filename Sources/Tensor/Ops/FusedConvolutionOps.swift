extension Tensor {
    /// Inference-only 2-D convolution of NHWC images with its epilogue fused: `clamp(conv2d(weight) + bias
    /// + residual)`, one pass over memory instead of three. Records no gradient: it is meant for weights
    /// with batch norm folded in (`BatchNorm.folded`), under `GradMode.withoutGrad`.
    /// - Parameters:
    ///   - weight: `[KH, KW, Cin, Cout]`.
    ///   - bias: `[Cout]` or nil.
    ///   - residual: `[N, OH, OW, Cout]` added to the output, or nil.
    ///   - clamp: output range (`0...6` is ReLU6), or nil.
    /// - Returns: `[N, OH, OW, Cout]`.
    public func fusedConv2d(_ weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Padding = .valid,
                            residual: Tensor? = nil, clamp: ClosedRange<Float>? = nil) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[2] == shape[3], "fusedConv2d: input \(shape), weight \(weight.shape)")
        let g = convGeometry(kernelH: weight.shape[0], kernelW: weight.shape[1], outC: weight.shape[3], stride: stride, padding: padding)
        let outShape = [g.batch, g.outH, g.outW, g.outC]
        precondition(residual == nil || residual!.shape == outShape, "fusedConv2d: residual \(residual!.shape), output \(outShape)")
        let y = TensorStorage(uninitializedCount: g.batch * g.outPixels * g.outC)
        let epilogue = ConvEpilogue(residual: residual.map { UnsafePointer($0.pointer) }, clamp: clamp)
        Kernels.convolution.forward(g, x: pointer, w: weight.pointer, bias: bias.map { UnsafePointer($0.pointer) }, y: y.pointer, epilogue: epilogue)
        return withExtendedLifetime(residual) { Tensor(shape: outShape, storage: y) }
    }

    /// Inference-only depthwise convolution with a fused clamp: `clamp(depthwiseConv2d(weight) + bias)`.
    /// Records no gradient (see `fusedConv2d`).
    /// - Parameters:
    ///   - weight: `[KH, KW, C]`.
    ///   - bias: `[C]` or nil.
    /// - Returns: `[N, OH, OW, C]`.
    public func fusedDepthwiseConv2d(_ weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Padding = .valid,
                                     clamp: ClosedRange<Float>? = nil) -> Tensor {
        precondition(rank == 4 && weight.rank == 3 && weight.shape[2] == shape[3], "fusedDepthwiseConv2d: input \(shape), weight \(weight.shape)")
        let g = convGeometry(kernelH: weight.shape[0], kernelW: weight.shape[1], outC: shape[3], stride: stride, padding: padding)
        let y = TensorStorage(uninitializedCount: g.batch * g.outPixels * g.outC)
        Kernels.convolution.depthwiseForward(g, x: pointer, w: weight.pointer, bias: bias.map { UnsafePointer($0.pointer) }, y: y.pointer,
                                             clamp: clamp)
        return Tensor(shape: [g.batch, g.outH, g.outW, g.outC], storage: y)
    }
}
