import Tensor

/// 2-D convolution layer over NHWC input: `[N, H, W, Cin] -> [N, OH, OW, Cout]`; weight `[KH, KW, Cin, Cout]`.
public final class Conv2d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Padding

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Padding = .valid,
                bias: Bool = true, initializer: Initializer = .glorotUniform, using rng: inout some RandomNumberGenerator) {
        let fanIn = kernel * kernel * inChannels, fanOut = kernel * kernel * outChannels
        weight = initializer.make([kernel, kernel, inChannels, outChannels], fanIn: fanIn, fanOut: fanOut, using: &rng)
        self.bias = bias ? Initializer.zeros.make([outChannels], fanIn: fanIn, fanOut: fanOut, using: &rng) : nil
        self.stride = stride
        self.padding = padding
    }

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
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Padding

    public init(_ channels: Int, kernel: Int, stride: Int = 1, padding: Padding = .same, bias: Bool = false,
                initializer: Initializer = .heNormal, using rng: inout some RandomNumberGenerator) {
        weight = initializer.make([kernel, kernel, channels], fanIn: kernel * kernel, fanOut: kernel * kernel, using: &rng)
        self.bias = bias ? Initializer.zeros.make([channels], fanIn: 1, fanOut: 1, using: &rng) : nil
        self.stride = stride
        self.padding = padding
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.depthwiseConv2d(weight, bias: bias, stride: stride, padding: padding)
    }
}

/// Transposed convolution layer (upsampling, as PyTorch's ConvTranspose2d): weight `[KH, KW, Cout, Cin]`.
public final class ConvTranspose2d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int
    public let outputPadding: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
                bias: Bool = true, initializer: Initializer = .normal002, using rng: inout some RandomNumberGenerator) {
        weight = initializer.make([kernel, kernel, outChannels, inChannels], fanIn: kernel * kernel * outChannels,
                                  fanOut: kernel * kernel * inChannels, using: &rng)
        self.bias = bias ? Initializer.zeros.make([outChannels], fanIn: 1, fanOut: 1, using: &rng) : nil
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.convTranspose2d(weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding)
    }
}
