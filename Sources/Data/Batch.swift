import Foundation
import Imaging
import Tensor

/// Decoded images stacked as one NHWC tensor in 0...1, with their class indices.
public struct ImageBatch {
    /// `[N, H, W, 3]`.
    public let images: Tensor
    /// Class index per image.
    public let labels: [Int]

    /// Stacks `images` (all the same size).
    public init(images: [RGBImage], labels: [Int]) {
        precondition(!images.isEmpty && images.count == labels.count, "batch needs images with one label each")
        let (h, w) = (images[0].height, images[0].width)
        precondition(images.allSatisfy { $0.width == w && $0.height == h }, "batch images differ in size")
        let t = Tensor(zeros: [images.count, h, w, 3])
        for (i, img) in images.enumerated() { img.writeFloats(into: t.pointer + i * h * w * 3) }
        self.images = t
        self.labels = labels
    }

    /// Reads `items` from disk, labelling with `classes`; unreadable files throw.
    public static func load(_ items: [LabeledItem], classes: ClassList) throws -> ImageBatch {
        let images = try items.map { try ImageDecoder.read(URL(fileURLWithPath: $0.path)) }
        let labels = try items.map { item -> Int in
            guard let i = classes.index(of: item.label) else {
                throw ImageError.unsupported(path: item.path, reason: "label \(item.label) not in \(classes.names)")
            }
            return i
        }
        return ImageBatch(images: images, labels: labels)
    }
}
