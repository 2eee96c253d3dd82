import NN
import Tensor

/// Region features: the output of an intermediate stage beside the logits, for a training loss on where an image
/// was edited (`TrainConfig.regionLoss`).
extension EfficientNetLite: RegionFeatureNetwork {
    /// The stages whose outputs may serve as region features: stage 2 and stage 4, the last stages at 4x and 8x the
    /// stem's stride (standard stem: strides 8 and 16; Lite0: 40 and 112 channels, an 8x8 and a 4x4 grid for a 64x64
    /// input). The last is the default: deep enough to see an edit's edges and still spatial.
    static let regionStages = [2, 4]

    /// Input pixels per cell of stage `stage`'s output for a stem of `stemStride` (from the block table's strides).
    static func stageStride(_ stage: Int, stemStride: Int) -> Int {
        baseStages.prefix(stage + 1).reduce(stemStride) { $0 * $1.stride }
    }

    /// The strides (input pixels per cell) of the region features for a stem of `stemStride`, one per `regionStages`.
    public static func regionStrides(stemStride: Int) -> [Int] { regionStages.map { stageStride($0, stemStride: stemStride) } }

    /// The default region stride for a stem of `stemStride` (16, or 8 with a stride-1 stem): stage 4's.
    public static func regionStride(stemStride: Int) -> Int { stageStride(regionStages.last!, stemStride: stemStride) }

    /// The stage of `regionStages` whose output is at `stride` input pixels per cell for a stem of `stemStride`, or nil
    /// when `stride` is not one of `regionStrides(stemStride:)`.
    static func regionStage(stride: Int, stemStride: Int) -> Int? {
        regionStages.first { stageStride($0, stemStride: stemStride) == stride }
    }

    /// Channels of the region features at `stride` input pixels per cell (one of `regionStrides(stemStride:)`).
    public func regionChannels(stride: Int) -> Int {
        variant.stages[Self.regionStage(stride: stride, stemStride: convStem.stride)!].output
    }

    /// The logits (as `callAsFunction`) and the output of the last stage at `stride` input pixels per cell,
    /// `[N, H/stride, W/stride, regionChannels(stride:)]`, from one pass (for a training loss on where an image was
    /// edited; never folded). `stride` must be one of `regionStrides(stemStride:)` for this model's stem.
    public func logitsAndRegionFeatures(_ x: Tensor, stride: Int) -> (logits: Tensor, region: Tensor) {
        guard let stage = Self.regionStage(stride: stride, stemStride: convStem.stride) else {
            preconditionFailure("no stage of \(variant.name) is at stride \(stride)")
        }
        let last = variant.stages.prefix(stage + 1).reduce(0) { $0 + $1.repeats } - 1
        var h = bn0(convStem(x * 2 - 1), then: .relu6)
        var region = h
        for (i, block) in blocks.enumerated() {
            h = block(h)
            if i == last { region = h }
        }
        return (fc(dropout(bn1(convHead(h), then: .relu6).globalAvgPool())), region)
    }
}
