/// What an inference convolution does to its output while each block is still in cache: add a residual
/// of the output's shape, then clamp (ReLU6 is `0...6`). It lets a network whose batch norm was folded
/// into its convolutions (see `BatchNorm.folded`) run conv -> BN -> ReLU6 (-> + x) as one pass over memory.
public struct ConvEpilogue: @unchecked Sendable {
    /// Added element by element to the output (same layout and count), or nil.
    public var residual: UnsafePointer<Float>?
    /// Clamp bounds; `-infinity ... infinity` when there is no clamp.
    public var lower: Float, upper: Float

    /// Neither a residual nor a clamp.
    public static let none = ConvEpilogue(residual: nil, clamp: nil)

    /// - Parameters:
    ///   - residual: the tensor to add (laid out as the output), or nil.
    ///   - clamp: the output range, or nil for none.
    public init(residual: UnsafePointer<Float>?, clamp: ClosedRange<Float>?) {
        self.residual = residual
        lower = clamp?.lowerBound ?? -.infinity
        upper = clamp?.upperBound ?? .infinity
    }

    /// True when a clamp is set.
    public var clamps: Bool { lower > -.infinity || upper < .infinity }

    /// Applies the clamp to `count` outputs at `y` (the residual is the caller's: it is added before the sum
    /// where possible, see `Im2colConvolution.forward(_:x:w:bias:y:epilogue:)`).
    @inline(__always)
    public func clamp(_ y: UnsafeMutablePointer<Float>, count: Int) {
        guard clamps else { return }
        let lo = lower, hi = upper
        for i in 0..<count { y[i] = Swift.min(Swift.max(y[i], lo), hi) }
    }

    /// Adds the residual at element `offset` (of the whole output) to `count` outputs at `y`, then clamps them.
    @inline(__always)
    public func apply(_ y: UnsafeMutablePointer<Float>, offset: Int, count: Int) {
        if let residual {
            let r = residual + offset
            for i in 0..<count { y[i] += r[i] }
        }
        clamp(y, count: count)
    }
}

extension ConvolutionBackend {
    /// The fused form of `forward` for backends without their own: the plain convolution, then one pass
    /// over the whole output for the residual and clamp.
    public func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>, epilogue: ConvEpilogue) {
        forward(g, x: x, w: w, bias: bias, y: y)
        let total = g.batch * g.outPixels * g.outC
        Parallel.forRanges(total, minChunk: 1 << 16) { r in epilogue.apply(y + r.lowerBound, offset: r.lowerBound, count: r.count) }
    }
}
