import Foundation
import Imaging
import Tensor

/// One training or evaluation batch.
public struct LoaderBatch {
    /// `[N, size, size, 3]` in 0...1.
    public let images: Tensor
    public let labels: [Int]
    /// Dataset indices of the images, in batch order.
    public let indices: [Int]
}

/// Turns a decoded dataset into batches: seeded shuffling per epoch, augmentation on a background
/// thread that keeps `prefetch` batches ready ahead of the training step.
///
/// Every image's augmentation uses its own generator seeded from (seed, epoch, index), so a batch
/// is the same whatever the thread timing, and a resumed run sees the same data.
public final class BatchLoader: @unchecked Sendable {
    public let dataset: DecodedDataset
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt64
    public let augmentation: Augmentation?
    public let dropLast: Bool
    public let prefetch: Int

    public init(dataset: DecodedDataset, batchSize: Int, shuffle: Bool, seed: UInt64, augmentation: Augmentation? = nil,
                dropLast: Bool = false, prefetch: Int = 3) {
        precondition(batchSize > 0, "batch size must be positive")
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

    /// Builds batch `b` of `order` on the calling thread.
    public func makeBatch(_ order: [Int], batch b: Int, epoch: Int) -> LoaderBatch {
        let indices = Array(order[(b * batchSize)..<min(order.count, (b + 1) * batchSize)])
        let s = dataset.size, n = s * s * 3
        let t = Tensor(zeros: [indices.count, s, s, 3])
        dataset.pixels.withUnsafeBufferPointer { px in
            for (j, i) in indices.enumerated() {
                let dst = t.pointer + j * n
                if let augmentation {
                    var rng = SplitMix64(seed: seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(i) &* 0xBF58_476D_1CE4_E5B9))
                    let img = augmentation.apply(dataset.image(i), using: &rng)
                    img.writeFloats(into: dst)
                } else {
                    let src = px.baseAddress! + i * n
                    for k in 0..<n { dst[k] = Float(src[k]) * (1 / 255) }
                }
            }
        }
        return LoaderBatch(images: t, labels: indices.map { dataset.labels[$0] }, indices: indices)
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
