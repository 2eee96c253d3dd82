import Foundation
import NN
import Tensor

/// Builds an ONNX graph (opset 17) from Discern layers.
///
/// Activations flow through the graph in ONNX's NCHW layout: the graph input is NHWC (as Discern's
/// tensors are) and is transposed once; weights are permuted from Discern's layouts (conv
/// `[KH, KW, Cin, Cout]` -> `[Cout, Cin, KH, KW]`). Shapes are tracked per value so TF-style 'same'
/// padding can be written as explicit pads, and flattening keeps Discern's H, W, C order.
public struct ONNXGraph {
    /// The graph's nodes in the order they were added (a topological order).
    public private(set) var nodes: [Onnx_NodeProto] = []
    /// The constants and weights (in ONNX layouts) the nodes read.
    public private(set) var initializers: [Onnx_TensorProto] = []
    /// Known shape of each value (batch dimension as -1).
    public private(set) var shapes: [String: [Int]] = [:]
    private var counter = 0

    /// An empty graph.
    public init() {}

    /// A fresh value name with `prefix`.
    mutating func fresh(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)_\(counter)"
    }

    /// Adds a node; returns its single output.
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], shape: [Int], attributes: [Onnx_AttributeProto] = []) -> String {
        let out = fresh(op.lowercased())
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = out
        n.input = inputs
        n.output = [out]
        n.attribute = attributes
        nodes.append(n)
        shapes[out] = shape
        return out
    }

    /// Adds a constant float tensor with `shape` (row-major values).
    mutating func constant(_ name: String, _ values: [Float], shape: [Int]) -> String {
        precondition(values.count == shape.reduce(1, *), "constant \(name): \(values.count) values for shape \(shape)")
        return initializer(name, shape: shape, type: .float, bytes: values.withUnsafeBufferPointer { Data(buffer: $0) })
    }

    /// Adds a constant int64 tensor.
    mutating func constant(_ name: String, int64 values: [Int64], shape: [Int]) -> String {
        initializer(name, shape: shape, type: .int64, bytes: values.withUnsafeBufferPointer { Data(buffer: $0) })
    }

    /// A little-endian raw-data initializer (ONNX's `raw_data` is little-endian, as this machine is).
    private mutating func initializer(_ name: String, shape: [Int], type: Onnx_TensorProto.DataType, bytes: Data) -> String {
        var t = Onnx_TensorProto()
        t.name = fresh(name)
        t.dims = shape.map(Int64.init)
        t.dataType = Int32(type.rawValue)
        t.rawData = bytes
        initializers.append(t)
        return t.name
    }

    // MARK: - Layout

    /// Declares the NHWC graph input and returns it as an NCHW value.
    mutating func nhwcInput(_ name: String, height: Int, width: Int, channels: Int) -> String {
        shapes[name] = [-1, height, width, channels]
        return node("Transpose", [name], shape: [-1, channels, height, width], attributes: [.ints("perm", [0, 3, 1, 2])])
    }

    /// `[N, C, H, W]` -> `[N, H * W * C]` in Discern's (Keras') H, W, C order; `[N, F]` passes through.
    mutating func flatten(_ x: String) -> String {
        let s = shapes[x]!
        guard s.count == 4 else { return x }
        let t = node("Transpose", [x], shape: [-1, s[2], s[3], s[1]], attributes: [.ints("perm", [0, 2, 3, 1])])
        return node("Flatten", [t], shape: [-1, s[1] * s[2] * s[3]], attributes: [.int("axis", 1)])
    }

    // MARK: - Layers

    /// Conv2d: pads resolved for the value's known size (TF 'same' may be asymmetric).
    mutating func conv(_ layer: Conv2d, _ x: String) -> String {
        let s = shapes[x]!, w = layer.weight.shape // [KH, KW, Cin, Cout]
        let (kh, kw, cout) = (w[0], w[1], w[3])
        let v = layer.padding.resolve(input: s[2], kernel: kh, stride: layer.stride, vertical: true)
        let h = layer.padding.resolve(input: s[3], kernel: kw, stride: layer.stride, vertical: false)
        var inputs = [x, constant("conv_w", layer.weight.permuted([3, 2, 0, 1]).scalars, shape: [cout, w[2], kh, kw])]
        if let b = layer.bias { inputs.append(constant("conv_b", b.scalars, shape: [cout])) }
        return node("Conv", inputs, shape: [-1, cout, v.output, h.output], attributes: [
            .ints("kernel_shape", [kh, kw]), .ints("strides", [layer.stride, layer.stride]),
            .ints("pads", [v.before, h.before, v.after, h.after]), .ints("dilations", [1, 1]), .int("group", 1),
        ])
    }

    /// Depthwise conv as a grouped Conv (group = channels).
    mutating func depthwise(_ layer: DepthwiseConv2d, _ x: String) -> String {
        let s = shapes[x]!, w = layer.weight.shape // [KH, KW, C]
        let (kh, kw, c) = (w[0], w[1], w[2])
        let v = layer.padding.resolve(input: s[2], kernel: kh, stride: layer.stride, vertical: true)
        let h = layer.padding.resolve(input: s[3], kernel: kw, stride: layer.stride, vertical: false)
        var inputs = [x, constant("dw_w", layer.weight.permuted([2, 0, 1]).scalars, shape: [c, 1, kh, kw])]
        if let b = layer.bias { inputs.append(constant("dw_b", b.scalars, shape: [c])) }
        return node("Conv", inputs, shape: [-1, c, v.output, h.output], attributes: [
            .ints("kernel_shape", [kh, kw]), .ints("strides", [layer.stride, layer.stride]),
            .ints("pads", [v.before, h.before, v.after, h.after]), .ints("dilations", [1, 1]), .int("group", c),
        ])
    }

    /// Inference-mode batch norm (running statistics), for `[N, C, H, W]` and `[N, C]` alike.
    mutating func batchNorm(_ layer: BatchNorm, _ x: String) -> String {
        let c = layer.weight.shape[0]
        let inputs = [x, constant("bn_scale", layer.weight.scalars, shape: [c]), constant("bn_bias", layer.bias.scalars, shape: [c]),
                      constant("bn_mean", layer.runningMean.scalars, shape: [c]), constant("bn_var", layer.runningVar.scalars, shape: [c])]
        return node("BatchNormalization", inputs, shape: shapes[x]!, attributes: [.float("epsilon", layer.epsilon)])
    }

    /// Dense as Gemm (`[N, in] x [in, out] + b`).
    mutating func dense(_ layer: Dense, _ x: String) -> String {
        let x = flatten(x)
        let w = layer.weight.shape
        let weight = constant("fc_w", layer.weight.scalars, shape: w)
        let bias = constant("fc_b", layer.bias?.scalars ?? [Float](repeating: 0, count: w[1]), shape: [w[1]])
        return node("Gemm", [x, weight, bias], shape: [-1, w[1]])
    }

    mutating func activation(_ kind: Activation.Kind, slope: Float = 0.2, _ x: String) -> String {
        let s = shapes[x]!
        switch kind {
        case .relu: return node("Relu", [x], shape: s)
        case .relu6: return node("Clip", [x, constant("zero", [0], shape: []), constant("six", [6], shape: [])], shape: s)
        case .leakyRelu: return node("LeakyRelu", [x], shape: s, attributes: [.float("alpha", slope)])
        case .sigmoid: return node("Sigmoid", [x], shape: s)
        case .tanh: return node("Tanh", [x], shape: s)
        }
    }

    mutating func pool(_ op: String, size: Int, stride: Int, _ x: String) -> String {
        let s = shapes[x]!
        return node(op, [x], shape: [-1, s[1], (s[2] - size) / stride + 1, (s[3] - size) / stride + 1], attributes: [
            .ints("kernel_shape", [size, size]), .ints("strides", [stride, stride]), .ints("pads", [0, 0, 0, 0]),
        ])
    }

    /// `[N, C, H, W]` -> `[N, C]`.
    mutating func globalAvgPool(_ x: String) -> String {
        let s = shapes[x]!
        let p = node("GlobalAveragePool", [x], shape: [-1, s[1], 1, 1])
        return node("Flatten", [p], shape: [-1, s[1]], attributes: [.int("axis", 1)])
    }

    mutating func zeroPad(top: Int, bottom: Int, left: Int, right: Int, _ x: String) -> String {
        let s = shapes[x]!
        let pads = constant("pads", int64: [0, 0, Int64(top), Int64(left), 0, 0, Int64(bottom), Int64(right)], shape: [8])
        return node("Pad", [x, pads], shape: [-1, s[1], s[2] + top + bottom, s[3] + left + right], attributes: [.string("mode", "constant")])
    }

    mutating func add(_ a: String, _ b: String) -> String { node("Add", [a, b], shape: shapes[a]!) }

    /// Emits a generic layer; models with their own wiring implement `ONNXExportable`.
    public mutating func layer(_ module: Module, _ x: String) throws -> String {
        switch module {
        case let m as ONNXExportable: return try m.exportONNX(into: &self, x)
        case let m as Conv2d: return conv(m, x)
        case let m as DepthwiseConv2d: return depthwise(m, x)
        case let m as BatchNorm: return batchNorm(m, x)
        case let m as Dense: return dense(m, x)
        case let m as Activation: return activation(m.kind, slope: m.slope, x)
        case let m as MaxPool2d: return pool("MaxPool", size: m.size, stride: m.stride, x)
        case let m as AvgPool2d: return pool("AveragePool", size: m.size, stride: m.stride, x)
        case is GlobalAvgPool: return globalAvgPool(x)
        case let m as ZeroPad2d: return zeroPad(top: m.top, bottom: m.bottom, left: m.left, right: m.right, x)
        case is Flatten: return flatten(x)
        case is Dropout: return x // identity at inference
        case let m as Sequential: return try m.layers.reduce(x) { try layer($1, $0) }
        default: throw ExportError.unsupportedLayer(String(describing: type(of: module)))
        }
    }

    /// Applies `modules` in order.
    public mutating func layers(_ modules: [Module], _ x: String) throws -> String {
        try modules.reduce(x) { try layer($1, $0) }
    }
}

/// A model (or block) whose inference graph is written by hand, mirroring its `callAsFunction`.
public protocol ONNXExportable {
    /// Appends this module's inference computation on `x` (NCHW inside the graph) and returns its output.
    func exportONNX(into graph: inout ONNXGraph, _ x: String) throws -> String
}

/// Why a model could not be exported.
public enum ExportError: Error, CustomStringConvertible, Equatable {
    /// A module type (named) that the exporter has no ONNX form for.
    case unsupportedLayer(String)
    /// An export format name other than `onnx` or `safetensors`.
    case unsupportedFormat(String)

    /// A one-line message naming the layer type or the format.
    public var description: String {
        switch self {
        case let .unsupportedLayer(name): return "ONNX export does not know the layer \(name)"
        case let .unsupportedFormat(name): return "unknown export format '\(name)' (known: onnx, safetensors)"
        }
    }
}

extension Onnx_AttributeProto {
    static func int(_ name: String, _ value: Int) -> Self {
        var a = Self(); a.name = name; a.type = .int; a.i = Int64(value); return a
    }
    static func ints(_ name: String, _ values: [Int]) -> Self {
        var a = Self(); a.name = name; a.type = .ints; a.ints = values.map(Int64.init); return a
    }
    static func float(_ name: String, _ value: Float) -> Self {
        var a = Self(); a.name = name; a.type = .float; a.f = value; return a
    }
    static func string(_ name: String, _ value: String) -> Self {
        var a = Self(); a.name = name; a.type = .string; a.s = Data(value.utf8); return a
    }
}
