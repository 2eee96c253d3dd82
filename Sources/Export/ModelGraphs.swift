import Models
import NN

// The inference graphs of the seed architectures, each mirroring its model's `callAsFunction`
// (the onnxruntime agreement check in scripts/interop/check_onnx.py holds them to it).

extension CIFAKECNN: ONNXExportable {
    /// Appends the CIFAKE CNN's inference graph on `x` (NCHW `[N, 3, H, W]` inside the graph) and returns its logits
    /// `[N, outputs]`: Conv + ReLU, MaxPool 2, Conv + ReLU, Gemm + ReLU, Gemm (dropout is the identity at inference).
    public func exportONNX(into g: inout ONNXGraph, _ x: String) throws -> String {
        var h = g.pool("MaxPool", size: 2, stride: 2, g.activation(.relu, g.conv(conv1, x)))
        h = g.activation(.relu, g.conv(conv2, h))
        return g.dense(fc2, g.activation(.relu, g.dense(fc1, h)))
    }
}

extension SmallCNN: ONNXExportable {
    /// Appends `cnn-small`'s inference graph on `x` (NCHW `[N, 3, H, W]` inside the graph) and returns its logits
    /// `[N, outputs]`: two Conv + ReLU + MaxPool 2 stages, Gemm + ReLU, Gemm.
    public func exportONNX(into g: inout ONNXGraph, _ x: String) throws -> String {
        var h = g.pool("MaxPool", size: 2, stride: 2, g.activation(.relu, g.conv(conv1, x)))
        h = g.pool("MaxPool", size: 2, stride: 2, g.activation(.relu, g.conv(conv2, h)))
        return g.dense(fc2, g.activation(.relu, g.dense(fc1, h)))
    }
}

extension Model2: ONNXExportable {
    /// Appends `model2`'s inference graph on `x` (NCHW `[N, 3, H, W]` inside the graph) and returns its logits
    /// `[N, outputs]`; batch norm runs on its running statistics.
    /// - Throws: `ExportError.unsupportedLayer` if a feature block holds a layer the exporter does not know.
    public func exportONNX(into g: inout ONNXGraph, _ x: String) throws -> String {
        let h = try g.layers(features, x)
        let f = g.batchNorm(bn1, g.activation(.relu, g.dense(fc1, h)))
        return g.dense(fc3, g.activation(.relu, g.dense(fc2, f)))
    }
}

extension PatchGAN: ONNXExportable {
    /// Appends the PatchGAN's inference graph on `x` (NCHW `[N, 3, H, W]` inside the graph) and returns its logits
    /// `[N, outputs]`, with the model's zero padding as ONNX `Pad` nodes.
    /// - Throws: `ExportError.unsupportedLayer` if a block holds a layer the exporter does not know.
    public func exportONNX(into g: inout ONNXGraph, _ x: String) throws -> String {
        var h = try g.layers(down, x)
        h = g.zeroPad(top: 1, bottom: 1, left: 1, right: 1, h)
        h = g.activation(.leakyRelu, slope: 0.2, g.batchNorm(bn4, g.conv(conv4, h)))
        h = g.conv(conv5, g.zeroPad(top: 1, bottom: 1, left: 1, right: 1, h))
        return g.dense(head, h)
    }
}

extension ResNet: ONNXExportable {
    /// Appends the ResNet's inference graph on `x` (NCHW `[N, 3, H, W]` inside the graph) and returns its logits
    /// `[N, outputs]`: stem, blocks, global average pool, Gemm.
    /// - Throws: `ExportError.unsupportedLayer` if a block holds a layer the exporter does not know.
    public func exportONNX(into g: inout ONNXGraph, _ x: String) throws -> String {
        let h = try g.layers(blocks, g.activation(.relu, g.batchNorm(stemBN, g.conv(stem, x))))
        return g.dense(head, g.globalAvgPool(h))
    }
}

extension BasicBlock: ONNXExportable {
    /// Appends the block on `x` (NCHW `[N, C, H, W]`) and returns `ReLU(bn2(conv2(ReLU(bn1(conv1(x))))) + shortcut(x))`.
    /// - Throws: `ExportError.unsupportedLayer` if the shortcut holds a layer the exporter does not know.
    public func exportONNX(into g: inout ONNXGraph, _ x: String) throws -> String {
        let y = g.batchNorm(bn2, g.conv(conv2, g.activation(.relu, g.batchNorm(bn1, g.conv(conv1, x)))))
        return g.activation(.relu, g.add(y, try g.layers(shortcut, x)))
    }
}

extension EfficientNetLite: ONNXExportable {
    /// Appends EfficientNet-Lite's inference graph on `x` (NCHW `[N, 3, H, W]`, values 0...1) and returns its logits
    /// `[N, outputs]`; the model's 0...1 -> -1...1 input map is written as `Mul` and `Sub` nodes.
    /// - Throws: `ExportError.unsupportedLayer` if a block holds a layer the exporter does not know.
    public func exportONNX(into g: inout ONNXGraph, _ x: String) throws -> String {
        // The model's own input map, 0...1 -> -1...1.
        let scaled = g.node("Mul", [x, g.constant("two", [2], shape: [])], shape: g.shapes[x]!)
        let centred = g.node("Sub", [scaled, g.constant("one", [1], shape: [])], shape: g.shapes[x]!)
        var h = g.activation(.relu6, g.batchNorm(bn0, g.conv(convStem, centred)))
        h = try g.layers(blocks, h)
        h = g.globalAvgPool(g.activation(.relu6, g.batchNorm(bn1, g.conv(convHead, h))))
        return g.dense(fc, h)
    }
}

extension MBConvBlock: ONNXExportable {
    /// Appends the block on `x` (NCHW `[N, input, H, W]`) and returns its output `[N, output, H / stride, W / stride]`
    /// (expansion, depthwise, projection, plus `x` when the block is residual; drop path is left out at inference).
    public func exportONNX(into g: inout ONNXGraph, _ x: String) throws -> String {
        var h = x
        if let expandConv, let bn0 { h = g.activation(.relu6, g.batchNorm(bn0, g.conv(expandConv, h))) }
        h = g.activation(.relu6, g.batchNorm(bn1, g.depthwise(depthwiseConv, h)))
        h = g.batchNorm(bn2, g.conv(projectConv, h))
        return residual ? g.add(h, x) : h
    }
}
