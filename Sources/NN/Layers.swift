import Tensor

/// An elementwise activation as a layer.
public final class Activation: Module {
    /// The supported functions.
    public enum Kind: String, Codable, Sendable { case relu, relu6, leakyRelu, sigmoid, tanh }
    public let kind: Kind
    /// Negative slope for `leakyRelu`.
    public let slope: Float

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
    public let size: Int, stride: Int
    public init(_ size: Int = 2, stride: Int? = nil) { self.size = size; self.stride = stride ?? size }
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.maxPool2d(size: size, stride: stride) }
}

/// Average pooling layer.
public final class AvgPool2d: Module {
    public let size: Int, stride: Int
    public init(_ size: Int = 2, stride: Int? = nil) { self.size = size; self.stride = stride ?? size }
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.avgPool2d(size: size, stride: stride) }
}

/// Global average pooling: `[N, H, W, C] -> [N, C]`.
public final class GlobalAvgPool: Module {
    public override init() {}
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.globalAvgPool() }
}

/// Zero padding of NHWC images.
public final class ZeroPad2d: Module {
    public let top: Int, bottom: Int, left: Int, right: Int
    public init(_ p: Int) { top = p; bottom = p; left = p; right = p }
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.zeroPadded(top: top, bottom: bottom, left: left, right: right) }
}

/// Nearest-neighbour upsampling of NHWC images by an integer factor: `[N, H, W, C] -> [N, H*f, W*f, C]`.
public final class UpsampleNearest: Module {
    public let factor: Int
    public init(_ factor: Int = 2) { self.factor = factor }
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.upsampledNearest(factor) }
}

/// `[N, ...] -> [N, prod(...)]` (row-major over H, W, C: Keras' channels-last order).
public final class Flatten: Module {
    public override init() {}
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.flattened() }
}

/// Applies `layers` in order; checkpoint names are `layers.<i>.<param>`.
public final class Sequential: Module {
    public let layers: [Module]
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
