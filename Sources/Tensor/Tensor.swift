import Foundation

/// A dense, row-major `Float32` tensor that records the operations producing it for reverse-mode autograd.
///
/// Images and activations are NHWC: `[N, H, W, C]`. Convolution weights are `[KH, KW, Cin, Cout]`,
/// dense weights `[In, Out]`. A tensor is a reference: parameters are updated in place by optimizers.
public final class Tensor: @unchecked Sendable {
    /// Dimension sizes, outermost first.
    public let shape: [Int]
    /// The values, shared between a tensor and its reshapes.
    public let storage: TensorStorage
    /// Whether gradients flow to this tensor. Leaves with `requiresGrad` collect `grad` in `backward()`.
    public var requiresGrad: Bool
    /// The accumulated gradient of a leaf after `backward()`; same shape as the tensor.
    public var grad: Tensor?
    /// The operation that produced this tensor, when it was recorded on the tape.
    var gradFunction: GradFunction?

    /// Wraps `storage` (not copied) with `shape`; the element counts must agree.
    public init(shape: [Int], storage: TensorStorage, requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == storage.count, "shape \(shape) does not match \(storage.count) elements")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// A tensor of `shape` holding a copy of `scalars` (row-major).
    public convenience init(shape: [Int], scalars: [Float], requiresGrad: Bool = false) {
        self.init(shape: shape, storage: TensorStorage(scalars), requiresGrad: requiresGrad)
    }

    /// A tensor of `shape` filled with `value`.
    public convenience init(repeating value: Float, shape: [Int], requiresGrad: Bool = false) {
        self.init(shape: shape, storage: TensorStorage(repeating: value, count: shape.reduce(1, *)), requiresGrad: requiresGrad)
    }

    /// A tensor of `shape` filled with zeros.
    public convenience init(zeros shape: [Int], requiresGrad: Bool = false) {
        self.init(repeating: 0, shape: shape, requiresGrad: requiresGrad)
    }

    /// A scalar (rank-0) tensor.
    public convenience init(_ value: Float) {
        self.init(shape: [], scalars: [value])
    }

    /// Number of elements.
    public var count: Int { storage.count }
    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Start of the values.
    public var pointer: UnsafeMutablePointer<Float> { storage.pointer }
    /// A copy of the values, row-major.
    public var scalars: [Float] { Array(storage.buffer) }
    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs exactly one element, have shape \(shape)")
        return pointer[0]
    }

    /// The same values with no gradient history (storage shared).
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// A deep copy with no gradient history.
    public func copy() -> Tensor { Tensor(shape: shape, storage: storage.copy()) }

    /// Overwrites the values with those of `other` (same element count), outside autograd.
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: \(other.shape) into \(shape)")
        pointer.update(from: other.pointer, count: count)
    }
}

extension Tensor: CustomStringConvertible {
    /// "Tensor[shape][first values]": the shape and up to 8 leading elements (`%.4g`), then "..." when there are more.
    public var description: String {
        let preview = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(preview)\(count > 8 ? ", ..." : "")]"
    }
}
