/// The default convolution backend: each call goes to the backend that measured fastest for its kind of shape.
///
/// The rule comes from `discern bench convs` (BENCHMARKS.md, 2026-12-06, AMD EPYC Zen 4 and the earlier Intel
/// Xeon runs): oneDNN's JIT kernels (NHWC activations, blocked weights) run 3x3 and 1x1 convolutions of every
/// channel count in the zoo at 1.3-7x the speed of im2col + OpenBLAS, except the input gradient of a layer
/// with fewer than 8 input channels (the 3-channel first layers), where oneDNN's kernel is about half as fast
/// as col2im over an OpenBLAS GEMM. That gradient is only needed when something upstream trains; for an
/// image input it is never asked for.
public struct ShapeRoutedConvolution: ConvolutionBackend {
    /// The backend that takes what the rule sends to oneDNN (im2col when oneDNN could not start).
    public let fast: any ConvolutionBackend
    public let im2col: Im2colConvolution

    public init(fast: (any ConvolutionBackend)? = OneDNNConvolution(), im2col: Im2colConvolution = Im2colConvolution()) {
        self.fast = fast ?? im2col
        self.im2col = im2col
    }

    /// True when the input gradient of `g` goes to im2col.
    public static func prefersIm2colBackwardData(_ g: ConvGeometry) -> Bool { g.inC < 8 }

    public func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>) {
        fast.forward(g, x: x, w: w, bias: bias, y: y)
    }

    public func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>, epilogue: ConvEpilogue) {
        fast.forward(g, x: x, w: w, bias: bias, y: y, epilogue: epilogue)
    }

    public func backwardData(_ g: ConvGeometry, dy: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        if Self.prefersIm2colBackwardData(g) {
            im2col.backwardData(g, dy: dy, w: w, dx: dx)
        } else {
            fast.backwardData(g, dy: dy, w: w, dx: dx)
        }
    }

    public func backwardFilter(_ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
                               dbias: UnsafeMutablePointer<Float>?) {
        fast.backwardFilter(g, x: x, dy: dy, dw: dw, dbias: dbias)
    }
}
