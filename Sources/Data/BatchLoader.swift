import Foundation
import Imaging
import Tensor

/// One training or evaluation batch.
public struct LoaderBatch {
    /// `[N, side, side, 3]` in 0...1 (side: the loader's `crop`, else the dataset's size).
    public let images: Tensor
    /// Class index per image (into the dataset's `classes`), in batch order.
    public let labels: [Int]
    /// Dataset indices of the images, in batch order.
    public let indices: [Int]
    /// With the loader's `regions`: `[N, g, g]` row-major (g = `regionGrid`), the fraction of each grid cell
    /// the image's edit covers after augmentation (0 everywhere for an image without an edit).
    public var regionTargets: [Float]? = nil
}

/// Turns a decoded dataset into batches: seeded shuffling per epoch, augmentation on a background
/// thread that keeps `prefetch` batches ready ahead of the training step.
///
/// Every image's augmentation uses its own generator seeded from (seed, epoch, index), so a batch
/// is the same whatever the thread timing, and a resumed run sees the same data.
public final class BatchLoader: @unchecked Sendable {
    /// The images and labels batches are drawn from.
    public let dataset: DecodedDataset
    /// Images per batch (the last batch of an epoch may be shorter unless `dropLast`).
    public let batchSize: Int
    /// Whether each epoch draws a seeded shuffled order (training); otherwise dataset order, centred crops.
    public let shuffle: Bool
    /// The seed of the shuffles and of every image's augmentation stream.
    public let seed: UInt64
    /// The augmentation applied to each image, or nil for none.
    public let augmentation: Augmentation?
    /// Whether a short last batch is skipped.
    public let dropLast: Bool
    /// Batches the background thread keeps ready ahead of the consumer (at least 1).
    public let prefetch: Int

    /// Per dataset index, where the image was edited (nil: nowhere); with it every batch carries `regionTargets`.
    public let regions: [RegionBox?]?
    /// Side of the grid `regionTargets` are given on (the image's side must be a multiple of it).
    public let regionGrid: Int
    /// Draws a fresh edit of an EDITED image's source photo each time the image is used (its stored pixels and
    /// `regions` box are replaced by the new edit's), before augmentation.
    public let redrawer: EditRedrawer?

    /// Side of the square each image is cut to after augmentation (nil: the whole image): a random window when
    /// shuffling (training, drawn from the image's own seeded generator), the centred one otherwise.
    public let crop: Int?

    /// Creates a loader (nothing is decoded or augmented until batches are asked for).
    /// - Parameters:
    ///   - dataset: The decoded images and labels.
    ///   - batchSize: Images per batch (above 0).
    ///   - shuffle: Shuffle each epoch (seeded) and draw random crop windows; false keeps dataset order.
    ///   - seed: The seed of shuffles and augmentation.
    ///   - augmentation: Applied to each image before cropping, or nil.
    ///   - dropLast: Skip a short last batch.
    ///   - prefetch: Batches kept ready ahead (values below 1 mean 1).
    ///   - regions: One edit box (or nil) per dataset image; with it every batch carries `regionTargets`.
    ///   - regionGrid: Side of the `regionTargets` grid in cells; must divide the image side when `regions` is set.
    ///   - redrawer: Redraws EDITED images' edits each time they are used (one entry per image, at the dataset's size).
    ///   - crop: Side in pixels of the square cut from each image (1...dataset side; not with `regions` or `redrawer`);
    ///     nil or the dataset side keeps the whole image.
    public init(dataset: DecodedDataset, batchSize: Int, shuffle: Bool, seed: UInt64, augmentation: Augmentation? = nil,
                dropLast: Bool = false, prefetch: Int = 3, regions: [RegionBox?]? = nil, regionGrid: Int = 0,
                redrawer: EditRedrawer? = nil, crop: Int? = nil) {
        precondition(batchSize > 0, "batch size must be positive")
        precondition(crop.map { $0 > 0 && $0 <= dataset.size && regions == nil && redrawer == nil } ?? true,
                     "crop: positive, at most the image side, without regions or redrawn edits")
        self.crop = crop == dataset.size ? nil : crop
        precondition(regions == nil || (regions!.count == dataset.count && regionGrid > 0 && dataset.size % regionGrid == 0),
                     "regions: one per image, on a grid that divides the image side")
        precondition(redrawer.map { $0.sourceIndex.count == dataset.count && $0.outputSize == dataset.size } ?? true,
                     "redrawer: one entry per image, at the dataset's size")
        self.regions = regions
        self.regionGrid = regionGrid
        self.redrawer = redrawer
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.augmentation = augmentation
        self.dropLast = dropLast
        self.prefetch = max(1, prefetch)
    }

    /// The images of the first `count` full batches of `epoch`, in its order, made on demand (at least one batch: the
    /// whole set when it is smaller than a batch). For uses that average per-batch figures, such as re-estimating
    /// batch-norm statistics, where a short last batch would weigh as much as a full one.
    public func leadingFullBatches(epoch: Int, count: Int) -> LazyMapSequence<Range<Int>, Tensor> {
        let order = order(epoch: epoch)
        return (0..<min(count, max(dataset.count / batchSize, 1))).lazy.map { self.makeBatch(order, batch: $0, epoch: epoch).images }
    }

    /// Batches per epoch.
    public var batchCount: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The sample order of `epoch` (a seeded Fisher-Yates shuffle, or identity).
    public func order(epoch: Int) -> [Int] {
        var idx = Array(0..<dataset.count)
        if shuffle {
            var rng = SplitMix64(seed: seed &+ UInt64(epoch) &* 0xD1B5_4A32_D192_ED03)
            idx.shuffle(using: &rng)
        }
        return idx
    }

    /// The random stream of image `index` in `epoch` (augmentation, crop window): the same in every run and thread.
    private func imageGenerator(index: Int, epoch: Int) -> SplitMix64 {
        SplitMix64(seed: seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(index) &* 0xBF58_476D_1CE4_E5B9))
    }

    /// Builds batch `b` of `order` on the calling thread.
    public func makeBatch(_ order: [Int], batch b: Int, epoch: Int) -> LoaderBatch {
        let indices = Array(order[(b * batchSize)..<min(order.count, (b + 1) * batchSize)])
        if let crop { return makeCroppedBatch(indices, side: crop, epoch: epoch) }
        let s = dataset.size, n = s * s * 3
        let t = Tensor(zeros: [indices.count, s, s, 3])
        let g = regionGrid
        var targets = regions.map { _ in [Float](repeating: 0, count: indices.count * g * g) }
        dataset.pixels.withUnsafeBufferPointer { px in
            for (j, i) in indices.enumerated() {
                let dst = t.pointer + j * n
                var rng = imageGenerator(index: i, epoch: epoch)
                let fresh = redrawer?.redraw(i, using: &rng)
                // An edit's mask goes through the same augmentation draws, so flips and crops move it with the image.
                var mask = regions.flatMap { fresh?.box ?? $0[i] }.map { Self.mask($0, side: s) }
                if let augmentation {
                    let image = fresh?.image ?? dataset.image(i)
                    if let m = mask {
                        let out = augmentation.apply(image, mask: m, using: &rng)
                        out.image.writeFloats(into: dst)
                        mask = out.mask
                    } else {
                        augmentation.apply(image, using: &rng).writeFloats(into: dst)
                    }
                } else if let fresh {
                    fresh.image.writeFloats(into: dst)
                } else {
                    let src = px.baseAddress! + i * n
                    for k in 0..<n { dst[k] = Float(src[k]) * (1 / 255) }
                }
                if let mask { targets!.replaceSubrange((j * g * g)..<((j + 1) * g * g), with: Self.coverage(of: mask, grid: g)) }
            }
        }
        var batch = LoaderBatch(images: t, labels: indices.map { dataset.labels[$0] }, indices: indices)
        batch.regionTargets = targets
        return batch
    }

    /// A batch of `side` x `side` windows: each image augmented at full size, then cut (see `crop`).
    private func makeCroppedBatch(_ indices: [Int], side: Int, epoch: Int) -> LoaderBatch {
        let s = dataset.size, n = side * side * 3
        let t = Tensor(zeros: [indices.count, side, side, 3])
        for (j, i) in indices.enumerated() {
            var rng = imageGenerator(index: i, epoch: epoch)
            let image = augmentation.map { $0.apply(dataset.image(i), using: &rng) } ?? dataset.image(i)
            let (x, y) = shuffle ? (Int.random(in: 0...(s - side), using: &rng), Int.random(in: 0...(s - side), using: &rng))
                : ((s - side) / 2, (s - side) / 2)
            image.cropped(x: x, y: y, width: side, height: side).writeFloats(into: t.pointer + j * n)
        }
        return LoaderBatch(images: t, labels: indices.map { dataset.labels[$0] }, indices: indices)
    }

    /// A `side` x `side` mask: 255 on the pixels whose centres lie in `box`, 0 elsewhere.
    static func mask(_ box: RegionBox, side: Int) -> RGBImage {
        var m = RGBImage(width: side, height: side, pixels: [UInt8](repeating: 0, count: side * side * 3))
        for y in 0..<side where (box.y0..<box.y1).contains((Double(y) + 0.5) / Double(side)) {
            for x in 0..<side where (box.x0..<box.x1).contains((Double(x) + 0.5) / Double(side)) {
                for c in 0..<3 { m.pixels[(y * side + x) * 3 + c] = 255 }
            }
        }
        return m
    }

    /// The mean of a mask's first channel (in 0...1) over each cell of a `grid` x `grid` partition, row-major.
    static func coverage(of mask: RGBImage, grid: Int) -> [Float] {
        let cell = mask.width / grid
        return (0..<(grid * grid)).map { k in
            let (cy, cx) = (k / grid, k % grid)
            var total = 0
            for y in (cy * cell)..<((cy + 1) * cell) { for x in (cx * cell)..<((cx + 1) * cell) { total += Int(mask.value(x, y, 0)) } }
            return Float(total) / Float(cell * cell * 255)
        }
    }

    /// The batches of `epoch` from batch `first` on, produced ahead on a background thread; dropping
    /// the iterator early stops the producer.
    public func batches(epoch: Int, startingAt first: Int = 0) -> AnyIterator<LoaderBatch> {
        let order = order(epoch: epoch)
        let total = batchCount
        let queue = BoundedQueue<LoaderBatch>(capacity: prefetch)
        let producer = Thread { [self] in
            for b in first..<total where !queue.put(makeBatch(order, batch: b, epoch: epoch)) { return }
            queue.finish(error: nil)
        }
        producer.start()
        let token = CancelOnRelease { queue.cancel() }
        return AnyIterator {
            withExtendedLifetime(token) { queue.take() }
        }
    }
}

/// Runs an action when the last reference goes (the iterator's end of life).
private final class CancelOnRelease {
    let action: () -> Void
    init(_ action: @escaping () -> Void) { self.action = action }
    deinit { action() }
}
