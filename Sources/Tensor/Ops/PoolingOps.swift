extension Tensor {
    private func poolGeometry(_ size: Int, _ stride: Int) -> ConvGeometry {
        precondition(rank == 4, "pooling needs NHWC, have \(shape)")
        let oh = (shape[1] - size) / stride + 1, ow = (shape[2] - size) / stride + 1
        precondition(oh > 0 && ow > 0, "pool window \(size) larger than input \(shape)")
        return ConvGeometry(batch: shape[0], inH: shape[1], inW: shape[2], inC: shape[3], outH: oh, outW: ow, outC: shape[3],
                            kernelH: size, kernelW: size, stride: stride, padTop: 0, padLeft: 0)
    }

    /// Max pooling, `size` x `size` windows, no padding (floor): `[N, H, W, C] -> [N, (H-size)/stride+1, ..., C]`.
    public func maxPool2d(size: Int = 2, stride: Int? = nil) -> Tensor {
        let g = poolGeometry(size, stride ?? size)
        let y = TensorStorage(uninitializedCount: g.batch * g.outPixels * g.outC)
        Kernels.maxPoolForward(g, x: pointer, y: y.pointer)
        let x = self
        return Tensor.result(shape: [g.batch, g.outH, g.outW, g.outC], storage: y, inputs: [self]) { dy in
            let dx = Tensor(zeros: x.shape)
            Kernels.maxPoolBackward(g, x: x.pointer, y: y.pointer, dy: dy.pointer, dx: dx.pointer)
            return [dx]
        }
    }

    /// Average pooling, `size` x `size` windows, no padding.
    public func avgPool2d(size: Int = 2, stride: Int? = nil) -> Tensor {
        let g = poolGeometry(size, stride ?? size)
        let y = TensorStorage(uninitializedCount: g.batch * g.outPixels * g.outC)
        Kernels.avgPoolForward(g, x: pointer, y: y.pointer)
        let inShape = shape
        return Tensor.result(shape: [g.batch, g.outH, g.outW, g.outC], storage: y, inputs: [self]) { dy in
            let dx = Tensor(zeros: inShape)
            Kernels.avgPoolBackward(g, dy: dy.pointer, dx: dx.pointer)
            return [dx]
        }
    }

    /// Global average pooling: `[N, H, W, C] -> [N, C]`.
    public func globalAvgPool() -> Tensor {
        precondition(rank == 4, "globalAvgPool needs NHWC, have \(shape)")
        return mean(axes: [1, 2])
    }
}
