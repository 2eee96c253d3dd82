import Tensor

/// An elementwise activation as a layer.
public final class Activation: Module {
    /// The supported functions.
    public enum Kind: String, Codable, Sendable { case relu, relu6, leakyRelu, sigmoid, tanh }
    /// The function applied.
    public let kind: Kind
    /// Negative slope for `leakyRelu`.
    public let slope: Float

    /// Creates the activation layer.
    /// - Parameters:
    ///   - kind: The function to apply.
    ///   - slope: The negative slope, used only by `leakyRelu` (default 0.2).
    public init(_ kind: Kind, slope: Float = 0.2) {
        self.kind = kind
        self.slope = slope
    }

    /// The same function as a `PiecewiseLinear` a batch norm can fuse, or nil (sigmoid, tanh).
    public var piecewiseLinear: PiecewiseLinear? {
        switch kind {
        case .relu: .relu
        case .relu6: .relu6
        case .leakyRelu: .leakyRelu(slope)
        case .sigmoid, .tanh: nil
        }
    }

    /// Applies the function elementwise; the output has the shape of `x`.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        switch kind {
        case .relu: return x.relu()
        case .relu6: return x.relu6()
        case .leakyRelu: return x.leakyRelu(slope)
        case .sigmoid: return x.sigmoid()
        case .tanh: return x.tanh()
        }
    }
}

/// Max pooling layer: `[N, H, W, C] -> [N, H / size, W / size, C]` (floor).
public final class MaxPool2d: Module {
    /// The window side and the step between windows, in pixels.
    public let size: Int, stride: Int
    /// Creates the layer.
    /// - Parameters:
    ///   - size: The square window's side in pixels (default 2).
    ///   - stride: The step between windows in pixels; nil means `size` (non-overlapping windows).
    public init(_ size: Int = 2, stride: Int? = nil) { self.size = size; self.stride = stride ?? size }
    /// Max-pools `x` (`[N, H, W, C]`) without padding to `[N, (H - size) / stride + 1, (W - size) / stride + 1, C]`.
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.maxPool2d(size: size, stride: stride) }
}

/// Average pooling layer.
public final class AvgPool2d: Module {
    /// The window side and the step between windows, in pixels.
    public let size: Int, stride: Int
    /// Creates the layer.
    /// - Parameters:
    ///   - size: The square window's side in pixels (default 2).
    ///   - stride: The step between windows in pixels; nil means `size` (non-overlapping windows).
    public init(_ size: Int = 2, stride: Int? = nil) { self.size = size; self.stride = stride ?? size }
    /// Average-pools `x` (`[N, H, W, C]`) without padding to `[N, (H - size) / stride + 1, (W - size) / stride + 1, C]`.
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.avgPool2d(size: size, stride: stride) }
}

/// Global average pooling: `[N, H, W, C] -> [N, C]`.
public final class GlobalAvgPool: Module {
    /// Creates the layer (it has no parameters).
    public override init() {}
    /// Averages each channel over all pixels: `[N, H, W, C] -> [N, C]`.
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.globalAvgPool() }
}

/// Zero padding of NHWC images.
public final class ZeroPad2d: Module {
    /// Zero rows added above and below, and zero columns added left and right, in pixels.
    public let top: Int, bottom: Int, left: Int, right: Int
    /// Pads `p` pixels on every side.
    public init(_ p: Int) { top = p; bottom = p; left = p; right = p }
    /// `[N, H, W, C] -> [N, H + top + bottom, W + left + right, C]`, the border filled with zeros.
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.zeroPadded(top: top, bottom: bottom, left: left, right: right) }
}

/// Nearest-neighbour upsampling of NHWC images by an integer factor: `[N, H, W, C] -> [N, H*f, W*f, C]`.
public final class UpsampleNearest: Module {
    /// The integer scale on both axes.
    public let factor: Int
    /// Creates the layer; `factor` is the integer scale on both axes (default 2).
    public init(_ factor: Int = 2) { self.factor = factor }
    /// `[N, H, W, C] -> [N, H * factor, W * factor, C]`, each pixel copied to a `factor` x `factor` block.
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.upsampledNearest(factor) }
}

/// `[N, ...] -> [N, prod(...)]` (row-major over H, W, C: Keras' channels-last order).
public final class Flatten: Module {
    /// Creates the layer (it has no parameters).
    public override init() {}
    /// `[N, ...] -> [N, prod(...)]`.
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.flattened() }
}

/// Applies `layers` in order; checkpoint names are `layers.<i>.<param>`.
public final class Sequential: Module {
    /// The layers, applied first to last.
    public let layers: [Module]
    /// Creates the container; `layers` run in array order.
    public init(_ layers: [Module]) { self.layers = layers }

    /// The layers in order; a `BatchNorm` or `Conv2d` followed by a ReLU / ReLU6 / leaky ReLU `Activation`
    /// runs as one fused op.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x, i = 0
        while i < layers.count {
            let activation = i + 1 < layers.count ? (layers[i + 1] as? Activation)?.piecewiseLinear : nil
            if let activation, let bn = layers[i] as? BatchNorm {
                h = bn(h, then: activation)
                i += 2
            } else if let activation, let conv = layers[i] as? Conv2d {
                h = conv(h, then: activation)
                i += 2
            } else {
                h = layers[i](h)
                i += 1
            }
        }
        return h
    }
}
