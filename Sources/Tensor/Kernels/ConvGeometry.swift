/// Sizes of one 2-D convolution over NHWC input `[batch, inH, inW, inC]` with a `[kernelH, kernelW, inC, outC]`
/// filter, producing `[batch, outH, outW, outC]`. Padding is explicit per side (top/left are what the
/// kernels need; bottom/right are implied by the output size), so Keras' asymmetric 'same' fits.
public struct ConvGeometry: Hashable, Sendable {
    /// The input size: images in the batch, then height and width in pixels and channels.
    public var batch, inH, inW, inC: Int
    /// The output size: height and width in pixels and channels (the filter count).
    public var outH, outW, outC: Int
    /// The filter height and width in pixels, and the step between neighbouring outputs in input pixels (same on both axes).
    public var kernelH, kernelW, stride: Int
    /// Zero padding added above and to the left of the input, in pixels.
    public var padTop, padLeft: Int

    /// Creates a geometry from explicit sizes; nothing is derived or checked.
    /// - Parameters:
    ///   - batch: Images in the batch (`N`).
    ///   - inH: Input height in pixels.
    ///   - inW: Input width in pixels.
    ///   - inC: Input channels.
    ///   - outH: Output height in pixels.
    ///   - outW: Output width in pixels.
    ///   - outC: Output channels.
    ///   - kernelH: Filter height in pixels.
    ///   - kernelW: Filter width in pixels.
    ///   - stride: Step between outputs in input pixels, on both axes.
    ///   - padTop: Zero rows above the input.
    ///   - padLeft: Zero columns left of the input.
    public init(batch: Int, inH: Int, inW: Int, inC: Int, outH: Int, outW: Int, outC: Int,
                kernelH: Int, kernelW: Int, stride: Int, padTop: Int, padLeft: Int) {
        self.batch = batch; self.inH = inH; self.inW = inW; self.inC = inC
        self.outH = outH; self.outW = outW; self.outC = outC
        self.kernelH = kernelH; self.kernelW = kernelW; self.stride = stride
        self.padTop = padTop; self.padLeft = padLeft
    }

    /// Elements of one im2col row: kernelH * kernelW * inC, ordered (kh, kw, c) like the filter.
    public var patchSize: Int { kernelH * kernelW * inC }
    /// Output pixels per image.
    public var outPixels: Int { outH * outW }
    /// Multiply-adds x 2 of the forward pass.
    public var forwardFLOPs: Double { 2 * Double(batch * outPixels * outC * patchSize) }
    /// True when the im2col matrix is the input itself (1x1, stride 1, no padding).
    public var isPointwise: Bool { kernelH == 1 && kernelW == 1 && stride == 1 && padTop == 0 && padLeft == 0 && inH == outH && inW == outW }
}

/// A padding rule for convolutions.
public enum Padding: Hashable, Sendable {
    /// No padding.
    case valid
    /// TensorFlow/Keras 'same': output = ceil(input / stride); the odd pixel of padding goes bottom/right.
    case same
    /// Explicit pixels per side.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)

    /// Symmetric padding of `p` pixels on every side (PyTorch's `padding=p`).
    public static func symmetric(_ p: Int) -> Padding { .explicit(top: p, bottom: p, left: p, right: p) }

    /// (before, after, output) for one spatial axis.
    public func resolve(input: Int, kernel: Int, stride: Int, vertical: Bool) -> (before: Int, after: Int, output: Int) {
        switch self {
        case .valid:
            return (0, 0, (input - kernel) / stride + 1)
        case .same:
            let out = (input + stride - 1) / stride
            let total = max((out - 1) * stride + kernel - input, 0)
            return (total / 2, total - total / 2, out)
        case let .explicit(top, bottom, left, right):
            let (b, a) = vertical ? (top, bottom) : (left, right)
            return (b, a, (input + b + a - kernel) / stride + 1)
        }
    }
}
