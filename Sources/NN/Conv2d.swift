import Tensor

/// 2-D convolution layer over NHWC input: `[N, H, W, Cin] -> [N, OH, OW, Cout]`; weight `[KH, KW, Cin, Cout]`.
public final class Conv2d: Module {
    /// The filter, `[KH, KW, Cin, Cout]` (trained).
    public let weight: Tensor
    /// The per-output-channel bias, `[Cout]`, or nil when the layer has none (trained, initialised to 0).
    public let bias: Tensor?
    /// The step between outputs in input pixels, on both axes.
    public let stride: Int
    /// The padding rule (`.valid` by default).
    public let padding: Padding

    /// Creates a convolution with a square `kernel` x `kernel` filter.
    /// - Parameters:
    ///   - inChannels: Channels of the input (`Cin`).
    ///   - outChannels: Filters, the channels of the output (`Cout`).
    ///   - kernel: The filter side in pixels.
    ///   - stride: The step between outputs in input pixels (default 1).
    ///   - padding: The padding rule (default `.valid`).
    ///   - bias: Whether the layer adds a `[Cout]` bias (zero-initialised).
    ///   - initializer: How the `[kernel, kernel, Cin, Cout]` weight is drawn (fan-in `kernel² * Cin`, fan-out `kernel² * Cout`).
    ///   - rng: The generator the weight is drawn from.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Padding = .valid,
                bias: Bool = true, initializer: Initializer = .glorotUniform, using rng: inout some RandomNumberGenerator) {
        let fanIn = kernel * kernel * inChannels, fanOut = kernel * kernel * outChannels
        weight = initializer.make([kernel, kernel, inChannels, outChannels], fanIn: fanIn, fanOut: fanOut, using: &rng)
        self.bias = bias ? Initializer.zeros.make([outChannels], fanIn: fanIn, fanOut: fanOut, using: &rng) : nil
        self.stride = stride
        self.padding = padding
    }

    /// `[N, H, W, Cin] -> [N, OH, OW, Cout]`: the convolution plus bias (see `Tensor.conv2d`).
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight, bias: bias, stride: stride, padding: padding)
    }

    /// `activation(self(x))` as one fused op (see `Tensor.conv2d(_:bias:stride:padding:activation:)`).
    public func callAsFunction(_ x: Tensor, then activation: PiecewiseLinear?) -> Tensor {
        x.conv2d(weight, bias: bias, stride: stride, padding: padding, activation: activation)
    }
}

/// Depthwise convolution layer (channel multiplier 1): `[N, H, W, C] -> [N, OH, OW, C]`; weight `[KH, KW, C]`.
public final class DepthwiseConv2d: Module {
    /// The per-channel filters, `[KH, KW, C]` (trained).
    public let weight: Tensor
    /// The per-channel bias, `[C]`, or nil when the layer has none (the default).
    public let bias: Tensor?
    /// The step between outputs in input pixels, on both axes.
    public let stride: Int
    /// The padding rule (`.same` by default).
    public let padding: Padding

    /// Creates a depthwise convolution with a square `kernel` x `kernel` filter per channel.
    /// - Parameters:
    ///   - channels: Channels in and out (`C`).
    ///   - kernel: The filter side in pixels.
    ///   - stride: The step between outputs in input pixels (default 1).
    ///   - padding: The padding rule (default `.same`).
    ///   - bias: Whether the layer adds a `[C]` bias (zero-initialised; default false).
    ///   - initializer: How the `[kernel, kernel, C]` weight is drawn (fan-in and fan-out `kernel²`; default He normal).
    ///   - rng: The generator the weight is drawn from.
    public init(_ channels: Int, kernel: Int, stride: Int = 1, padding: Padding = .same, bias: Bool = false,
                initializer: Initializer = .heNormal, using rng: inout some RandomNumberGenerator) {
        weight = initializer.make([kernel, kernel, channels], fanIn: kernel * kernel, fanOut: kernel * kernel, using: &rng)
        self.bias = bias ? Initializer.zeros.make([channels], fanIn: 1, fanOut: 1, using: &rng) : nil
        self.stride = stride
        self.padding = padding
    }

    /// `[N, H, W, C] -> [N, OH, OW, C]`: each channel convolved with its own filter, plus bias (see `Tensor.depthwiseConv2d`).
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.depthwiseConv2d(weight, bias: bias, stride: stride, padding: padding)
    }
}

/// Transposed convolution layer (upsampling, as PyTorch's ConvTranspose2d): weight `[KH, KW, Cout, Cin]`.
public final class ConvTranspose2d: Module {
    /// The filter, `[KH, KW, Cout, Cin]` (trained).
    public let weight: Tensor
    /// The per-output-channel bias, `[Cout]`, or nil when the layer has none (trained, initialised to 0).
    public let bias: Tensor?
    /// The upsampling step: input pixels land `stride` output pixels apart.
    public let stride: Int
    /// Pixels removed from each side of the full output (PyTorch's `padding`).
    public let padding: Int
    /// Extra pixels added on the bottom and right of the output (PyTorch's `output_padding`).
    public let outputPadding: Int

    /// Creates a transposed convolution with a square `kernel` x `kernel` filter.
    /// - Parameters:
    ///   - inChannels: Channels of the input (`Cin`).
    ///   - outChannels: Channels of the output (`Cout`).
    ///   - kernel: The filter side in pixels.
    ///   - stride: The upsampling step (default 1).
    ///   - padding: Pixels removed from each side of the full output (default 0).
    ///   - outputPadding: Extra pixels on the bottom and right (default 0).
    ///   - bias: Whether the layer adds a `[Cout]` bias (zero-initialised).
    ///   - initializer: How the `[kernel, kernel, Cout, Cin]` weight is drawn (default N(0, 0.02²)).
    ///   - rng: The generator the weight is drawn from.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
                bias: Bool = true, initializer: Initializer = .normal002, using rng: inout some RandomNumberGenerator) {
        weight = initializer.make([kernel, kernel, outChannels, inChannels], fanIn: kernel * kernel * outChannels,
                                  fanOut: kernel * kernel * inChannels, using: &rng)
        self.bias = bias ? Initializer.zeros.make([outChannels], fanIn: 1, fanOut: 1, using: &rng) : nil
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
    }

    /// `[N, H, W, Cin] -> [N, (H - 1) * stride - 2 * padding + KH + outputPadding, (likewise for W), Cout]`.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.convTranspose2d(weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding)
    }
}
