import Foundation
import Imaging
import Tensor

/// A whole dataset decoded into memory as 8-bit RGB at one size (CIFAKE: 82k x 3 KB), with labels.
/// Decoding runs on the engine's worker threads; unreadable inputs are counted and named, never fatal.
public final class DecodedDataset: @unchecked Sendable {
    /// Side length of every image (square).
    public let size: Int
    /// `[count, size, size, 3]` bytes.
    public private(set) var pixels: [UInt8]
    /// The labelled inputs, one per decoded image, in dataset order.
    public private(set) var items: [LabeledItem]
    /// The class names; `labels` index into them.
    public let classes: ClassList
    /// Class index per image.
    public private(set) var labels: [Int]
    /// Inputs that could not be used, with the reason.
    public private(set) var failures: [(path: String, error: String)]

    /// Number of images.
    public var count: Int { items.count }

    init(size: Int, classes: ClassList) {
        self.size = size
        self.classes = classes
        pixels = []; items = []; labels = []; failures = []
    }

    /// The image at `index`.
    public func image(_ index: Int) -> RGBImage {
        let n = size * size * 3
        return RGBImage(width: size, height: size, pixels: Array(pixels[(index * n)..<((index + 1) * n)]))
    }

    /// How an image that is not `size` x `size` is made so.
    public enum Fit: String, Sendable {
        /// Resized (area filter when shrinking, bilinear when growing): the CIFAKE way.
        case resize
        /// Kept at native resolution: centre-cropped where larger, mirror-padded where smaller (patch training).
        case cropOrPad = "crop-or-pad"
    }

    /// Decodes `source`, making every image `size` x `size` as `fit` says (resizing by default). `classes` defaults
    /// to the labels found (REAL, FAKE first). `keep`, when given, chooses the items to decode (the others are read
    /// but neither decoded nor counted as failures).
    public static func load(
        _ source: DatasetSource, size: Int = 32, fit: Fit = .resize, classes: ClassList? = nil, maxPixels: Int = JPEGCodec.defaultMaxPixels,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, keep: ((LabeledItem) -> Bool)? = nil,
        progress: ((Int) -> Void)? = nil
    ) throws -> DecodedDataset {
        var pending: [(LabeledItem, Result<Data, Error>)] = []
        var decoded: [(LabeledItem, Result<RGBImage, Error>)] = []
        func flush() {
            let chunk = pending
            pending.removeAll(keepingCapacity: true)
            let results = Parallel.map(chunk.count, workers: max(1, threads)) { i in
                chunk[i].1.flatMap { data in
                    Result {
                        let image = try ImageDecoder.decode(data, path: chunk[i].0.path, maxPixels: maxPixels)
                        return fit == .resize ? fitted(image, size: size) : croppedOrPadded(image, size: size)
                    }
                }
            }
            for (c, r) in zip(chunk, results) { decoded.append((c.0, r)) }
            progress?(decoded.count)
        }
        // Reading (gunzip + tar) runs on its own thread, one chunk ahead of the decoders.
        try source.forEachChunk(of: 2048) { chunk in
            pending = keep.map { k in chunk.filter { k($0.0) } } ?? chunk
            flush()
        }
        let classList = classes ?? ClassList(labels: decoded.compactMap { if case .success = $0.1 { return $0.0.label }; return nil })
        let ds = DecodedDataset(size: size, classes: classList)
        ds.pixels.reserveCapacity(decoded.count * size * size * 3)
        for (item, result) in decoded {
            switch result {
            case let .success(img):
                guard let label = classList.index(of: item.label) else {
                    ds.failures.append((item.path, "label \(item.label) is not one of \(classList.names)"))
                    continue
                }
                ds.pixels.append(contentsOf: img.pixels)
                ds.items.append(item)
                ds.labels.append(label)
            case let .failure(error):
                ds.failures.append((item.path, "\(error)"))
            }
        }
        return ds
    }

    /// `image` at `size` x `size` as every loaded image is: unchanged at that size, else resized (area filter when
    /// shrinking, bilinear when enlarging).
    public static func fitted(_ image: RGBImage, size: Int) -> RGBImage {
        if image.width == size && image.height == size { return image }
        return image.resized(width: size, height: size, filter: image.width > size ? .area : .bilinear)
    }

    /// `image` at `size` x `size` without resampling: the centred `size` x `size` window, where the image is larger,
    /// and mirror padding (the edge pixel not repeated) where it is smaller.
    public static func croppedOrPadded(_ image: RGBImage, size: Int) -> RGBImage {
        if image.width == size && image.height == size { return image }
        let x0 = (image.width - size) / 2, y0 = (image.height - size) / 2
        func mirror(_ v: Int, _ n: Int) -> Int {
            guard n > 1 else { return 0 }
            let period = 2 * (n - 1)
            var m = v % period
            if m < 0 { m += period }
            return m < n ? m : period - m
        }
        var out = [UInt8](repeating: 0, count: size * size * 3)
        for y in 0..<size {
            let sy = mirror(y0 + y, image.height)
            for x in 0..<size {
                let sx = mirror(x0 + x, image.width), src = (sy * image.width + sx) * 3, dst = (y * size + x) * 3
                out[dst] = image.pixels[src]
                out[dst + 1] = image.pixels[src + 1]
                out[dst + 2] = image.pixels[src + 2]
            }
        }
        return RGBImage(width: size, height: size, pixels: out)
    }

    /// The same items and labels with every image replaced by `transform(image)` resized back to `size`
    /// (area filter when shrinking, bilinear when enlarging), transforms run on all cores.
    public func mapped(_ transform: @escaping @Sendable (RGBImage, Int) -> RGBImage) -> DecodedDataset {
        let ds = DecodedDataset(size: size, classes: classes)
        let n = size * size * 3
        ds.pixels = [UInt8](repeating: 0, count: pixels.count)
        ds.items = items
        ds.labels = labels
        let workers = ProcessInfo.processInfo.activeProcessorCount
        ds.pixels.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for i in stride(from: w, to: self.count, by: workers) {
                    let img = Self.fitted(transform(self.image(i), i), size: size)
                    img.pixels.withUnsafeBufferPointer { (base + i * n).update(from: $0.baseAddress!, count: n) }
                }
            }
        }
        return ds
    }

    /// A new dataset holding the images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> DecodedDataset {
        let ds = DecodedDataset(size: size, classes: classes)
        let n = size * size * 3
        ds.pixels.reserveCapacity(indices.count * n)
        for i in indices {
            ds.pixels.append(contentsOf: pixels[(i * n)..<((i + 1) * n)])
            ds.items.append(items[i])
            ds.labels.append(labels[i])
        }
        return ds
    }
}
