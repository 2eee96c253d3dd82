/// The default convolution backend: each call goes to the backend that measured fastest for its kind of shape
/// (`im2col` also stands for the engine's own depthwise kernels, which `Im2colConvolution` inherits).
///
/// The rule comes from `discern bench engine --part conv --backend all --shapes zoo` (BENCHMARKS.md, 2026-12-06,
/// AMD EPYC Zen 4): oneDNN's JIT kernels (NHWC activations, blocked weights) run the zoo's 3x3, 4x4 and 1x1
/// convolutions at 1.1-3x the speed of im2col + OpenBLAS, with two exceptions that go to im2col:
/// - the input gradient of a layer with fewer than 8 input channels (the 3-channel first layers), where
///   oneDNN's kernel runs at 36-41 GFLOP/s against col2im's 48-116;
/// - forward and filter gradient of layers whose output map has at most 9 pixels per image (the PatchGAN's
///   256->512 4x4 on 3x3 outputs, EfficientNet's 320->1280 head on 2x2), where a GEMM with a long inner
///   dimension wins (forward 159-166 vs 145-155 and 200 vs 187, filter gradient 177-187 vs 99-119 and 187 vs
///   132 GFLOP/s). At 16 pixels (4x4 maps) oneDNN is ahead again (forward 253 vs 181 on the PatchGAN's
///   128->256, 203-215 vs 193-198 on EfficientNet's 1x1 layers).
public struct ShapeRoutedConvolution: ConvolutionBackend {
    /// The backend that takes what the rule sends to oneDNN (im2col when oneDNN could not start).
    public let fast: any ConvolutionBackend
    /// The im2col + OpenBLAS backend, also the owner of the engine's own depthwise kernels.
    public let im2col: Im2colConvolution

    /// Creates the router.
    /// - Parameters:
    ///   - fast: The backend for the shapes oneDNN wins; nil (oneDNN could not start) sends everything to `im2col`.
    ///   - im2col: The im2col + OpenBLAS backend.
    public init(fast: (any ConvolutionBackend)? = OneDNNConvolution(), im2col: Im2colConvolution = Im2colConvolution()) {
        self.fast = fast ?? im2col
        self.im2col = im2col
    }

    /// True when the input gradient of `g` goes to im2col.
    public static func prefersIm2colBackwardData(_ g: ConvGeometry) -> Bool { g.inC < 8 }
    /// True when the forward pass and filter gradient of `g` go to im2col.
    public static func prefersIm2col(_ g: ConvGeometry) -> Bool { g.outPixels <= 9 }

    /// im2col (or, for depthwise passes, the engine's own kernels) when `toIm2col`, else the fast backend.
    private func backend(_ toIm2col: Bool) -> any ConvolutionBackend { toIm2col ? im2col : fast }

    /// Forward pass without epilogue on im2col when `prefersIm2col(g)` (at most 9 output pixels), else on `fast`.
    public func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>) {
        backend(Self.prefersIm2col(g)).forward(g, x: x, w: w, bias: bias, y: y)
    }

    /// Forward pass with epilogue on im2col when `prefersIm2col(g)` (at most 9 output pixels), else on `fast`.
    public func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>, epilogue: ConvEpilogue) {
        backend(Self.prefersIm2col(g)).forward(g, x: x, w: w, bias: bias, y: y, epilogue: epilogue)
    }

    /// Input gradient on im2col when `prefersIm2colBackwardData(g)` (fewer than 8 input channels), else on `fast`.
    public func backwardData(_ g: ConvGeometry, dy: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        backend(Self.prefersIm2colBackwardData(g)).backwardData(g, dy: dy, w: w, dx: dx)
    }

    /// Filter (and bias) gradient on im2col when `prefersIm2col(g)` (at most 9 output pixels), else on `fast`.
    public func backwardFilter(_ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
                               dbias: UnsafeMutablePointer<Float>?) {
        backend(Self.prefersIm2col(g)).backwardFilter(g, x: x, dy: dy, dw: dw, dbias: dbias)
    }

    // MARK: Depthwise

    /// Depthwise layers (EfficientNet-Lite's, same benchmark, `effnet_dw*` shapes) go to oneDNN except where the
    /// engine's own channel-vectorised loops measured faster: the input gradient of stride-2 layers (14 vs 12
    /// GFLOP/s on the 96-channel 3x3) and the filter gradient of 5x5 layers, where oneDNN's kernel runs at
    /// 5-11 GFLOP/s against our 22-40. oneDNN's forward is 1.1-4x ours.
    public static func prefersOwnDepthwiseBackwardData(_ g: ConvGeometry) -> Bool { g.stride > 1 }
    /// True when the filter gradient of depthwise layer `g` goes to the engine's own kernel.
    public static func prefersOwnDepthwiseBackwardFilter(_ g: ConvGeometry) -> Bool { g.kernelH * g.kernelW > 9 }

    /// Depthwise forward pass, always on `fast`.
    public func depthwiseForward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                 y: UnsafeMutablePointer<Float>, clamp: ClosedRange<Float>?) {
        fast.depthwiseForward(g, x: x, w: w, bias: bias, y: y, clamp: clamp)
    }

    /// Depthwise input gradient on the engine's own kernel for strides above 1, else on `fast`.
    public func depthwiseBackwardData(_ g: ConvGeometry, dy: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>) {
        backend(Self.prefersOwnDepthwiseBackwardData(g)).depthwiseBackwardData(g, dy: dy, w: w, dx: dx)
    }

    /// Depthwise filter gradient on the engine's own kernel for filters larger than 3x3 (over 9 taps), else on `fast`.
    public func depthwiseBackwardFilter(_ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
                                        dbias: UnsafeMutablePointer<Float>?) {
        backend(Self.prefersOwnDepthwiseBackwardFilter(g)).depthwiseBackwardFilter(g, x: x, dy: dy, dw: dw, dbias: dbias)
    }
}
