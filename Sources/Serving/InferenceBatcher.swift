import CMalloc
import Foundation
import Imaging
import Inference

/// Micro-batching in front of the detector: concurrent requests' images are scored together.
///
/// One worker thread owns the model. When a request arrives it waits up to `wait` for more (or until
/// `maxBatch` images are queued), then scores everything taken in one batched forward pass. The queue
/// is bounded: beyond `capacity` queued images, `score` throws `ServeError.busy` at once (the server
/// answers 503 with Retry-After) instead of letting latency grow without limit.
public final class InferenceBatcher: @unchecked Sendable {
    private struct Pending {
        let images: [RGBImage]
        let continuation: CheckedContinuation<[Detector.Score], Error>
    }

    private let detector: Detector
    private let maxBatch: Int
    private let capacity: Int
    private let wait: TimeInterval
    private let condition = NSCondition()
    private var queue: [Pending] = []
    private var queued = 0
    private var stopping = false
    private var paused = false
    fileprivate let lastTrim = TrimClock()
    private var thread: Thread?
    /// Called after each forward pass with its image count (for metrics).
    public var onBatch: (@Sendable (Int) -> Void)?

    /// - Parameters:
    ///   - maxBatch: images per forward pass (a single larger request is still taken whole).
    ///   - capacity: images allowed to wait; more are refused with `ServeError.busy`.
    ///   - wait: how long the first request of a batch waits for company.
    public init(detector: Detector, maxBatch: Int = 64, capacity: Int = 512, wait: TimeInterval = 0.005) {
        self.detector = detector
        self.maxBatch = max(1, maxBatch)
        self.capacity = max(1, capacity)
        self.wait = wait
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "discern-inference"
        self.thread = thread
        thread.start()
    }

    /// Images currently waiting.
    public var queuedImages: Int { condition.withLock { queued } }

    /// Each image's score (class probabilities and familiarity distance), in order.
    public func score(_ images: [RGBImage]) async throws -> [Detector.Score] {
        guard !images.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            if stopping { return continuation.resume(throwing: ServeError.shuttingDown) }
            if queued + images.count > capacity { return continuation.resume(throwing: ServeError.busy) }
            queue.append(Pending(images: images, continuation: continuation))
            queued += images.count
            condition.signal()
        }
    }

    /// Holds the worker: requests queue up (and the capacity check still applies) but none is scored until
    /// `resume()`. Lets tests and operators build a known queue without racing a timer.
    public func pause() {
        condition.withLock { paused = true }
    }

    /// Lets a paused worker go on; what queued meanwhile is scored in batches of up to `maxBatch`.
    public func resume() {
        condition.withLock {
            paused = false
            condition.broadcast()
        }
    }

    /// Waits (yielding, without sleeping) until at least `count` images are queued.
    public func waitUntilQueued(_ count: Int) async {
        while queuedImages < count { await Task.yield() }
    }

    /// Scores what is queued, then ends the worker; later calls fail with `ServeError.shuttingDown`.
    public func shutdown() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
    }

    private func run() {
        while true {
            condition.lock()
            while (queue.isEmpty || paused) && !stopping { condition.wait() }
            if queue.isEmpty { condition.unlock(); return }
            let deadline = Date(timeIntervalSinceNow: wait)
            while queued < maxBatch && !stopping && condition.wait(until: deadline) {}
            var taken: [Pending] = [], count = 0
            while let next = queue.first, taken.isEmpty || count + next.images.count <= maxBatch {
                taken.append(queue.removeFirst())
                count += next.images.count
            }
            queued -= count
            condition.unlock()

            let scores = detector.scores(taken.flatMap(\.images))
            onBatch?(count)
            trimIfIdle()
            var offset = 0
            for request in taken {
                request.continuation.resume(returning: Array(scores[offset..<offset + request.images.count]))
                offset += request.images.count
            }
        }
    }
}

extension InferenceBatcher {
    /// Hands freed heap back to the kernel when nothing waits, at most once a second. The engine keeps freed
    /// activation buffers for reuse (`TensorStorage`'s heap tuning, right for training); a server would otherwise hold
    /// the high-water mark of its busiest moment for ever.
    private func trimIfIdle() {
        let now = DispatchTime.now().uptimeNanoseconds
        guard queuedImages == 0, now &- lastTrim.value > 1_000_000_000 else { return }
        lastTrim.value = now
        _ = malloc_trim(0)
    }
}

/// The time of the last heap trim (touched by the worker thread only).
final class TrimClock: @unchecked Sendable {
    var value: UInt64 = 0
}

/// Serving failures that map to HTTP answers.
public enum ServeError: Error, CustomStringConvertible, Equatable {
    /// The inference queue is full (503 + Retry-After).
    case busy
    /// The pixels of the requests in flight fill the decoding budget (503 + Retry-After).
    case pixelBudgetFull
    /// The server is stopping (503).
    case shuttingDown
    /// More images in one request than allowed (413).
    case tooManyImages(count: Int, limit: Int)
    /// More pixels in one request than allowed (413).
    case tooManyPixels(count: Int, limit: Int)

    /// A one-line message for the HTTP answer's body.
    public var description: String {
        switch self {
        case .busy: return "the inference queue is full; retry shortly"
        case .pixelBudgetFull: return "the server is decoding as many pixels as it allows; retry shortly"
        case .shuttingDown: return "the server is shutting down"
        case let .tooManyImages(count, limit): return "\(count) images in one request, above the limit of \(limit)"
        case let .tooManyPixels(count, limit): return "\(count) pixels in one request, above the limit of \(limit)"
        }
    }
}
