import NN
import Tensor

/// EfficientNet-Lite0 as it runs for inference: every batch norm folded into the convolution before it
/// (`BatchNorm.folded`), and each ReLU6 and residual add fused into that convolution's output pass
/// (`fusedConv2d`), so a block is three passes over memory instead of eight. Same function as
/// `EfficientNetLite` in evaluation mode (tested to float rounding); built from its weights at the
/// time, no gradient.
struct FoldedEfficientNet {
    /// A convolution with its batch norm folded in.
    struct Conv {
        let weight: Tensor, bias: Tensor, stride: Int, padding: Padding, depthwise: Bool

        init(_ conv: Conv2d, _ bn: BatchNorm) {
            (weight, bias) = bn.folded(weight: conv.weight, bias: conv.bias)
            (stride, padding, depthwise) = (conv.stride, conv.padding, false)
        }

        init(_ conv: DepthwiseConv2d, _ bn: BatchNorm) {
            (weight, bias) = bn.folded(weight: conv.weight, bias: conv.bias)
            (stride, padding, depthwise) = (conv.stride, conv.padding, true)
        }

        func callAsFunction(_ x: Tensor, clamp: ClosedRange<Float>?, residual: Tensor? = nil) -> Tensor {
            depthwise
                ? x.fusedDepthwiseConv2d(weight, bias: bias, stride: stride, padding: padding, clamp: clamp)
                : x.fusedConv2d(weight, bias: bias, stride: stride, padding: padding, residual: residual, clamp: clamp)
        }
    }

    /// An MBConv block: [expand] -> depthwise -> project (+ x).
    struct Block {
        let expand: Conv?, depthwise: Conv, project: Conv, residual: Bool
    }

    let stem: Conv, blocks: [Block], head: Conv

    init(_ net: EfficientNetLite) {
        stem = Conv(net.convStem, net.bn0)
        blocks = net.blocks.map { module in
            let b = module as! MBConvBlock
            let expand = b.expandConv.map { Conv($0, b.bn0!) }
            return Block(expand: expand, depthwise: Conv(b.depthwiseConv, b.bn1), project: Conv(b.projectConv, b.bn2), residual: b.residual)
        }
        head = Conv(net.convHead, net.bn1)
    }

    /// Pooled features `[N, 1280]` of images `[N, H, W, 3]` in 0...1, as `EfficientNetLite.features`.
    func features(_ x: Tensor) -> Tensor {
        let relu6: ClosedRange<Float> = 0...6
        var h = stem(x * 2 - 1, clamp: relu6)
        for block in blocks {
            var t = h
            if let expand = block.expand { t = expand(t, clamp: relu6) }
            t = block.depthwise(t, clamp: relu6)
            h = block.project(t, clamp: nil, residual: block.residual ? h : nil)
        }
        return head(h, clamp: relu6).globalAvgPool()
    }
}
