import Foundation

/// A fixed set of threads for decoding uploads, apart from the server's async threads.
///
/// Decoding a large or hostile image is CPU work that cannot be interrupted; on the cooperative pool it would hold
/// one of the few threads that also answer `/healthz`. Here it queues behind at most `threads` decodes at once, and
/// the event loops stay free.
public final class DecodePool: @unchecked Sendable {
    private let queue: OperationQueue

    /// Creates the pool; at most `threads` decodes (at least 1) run at once, the rest wait in order.
    public init(threads: Int) {
        queue = OperationQueue()
        queue.name = "discern-decode"
        queue.maxConcurrentOperationCount = max(1, threads)
    }

    /// Runs `work` on one of the pool's threads and returns its result.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.addOperation { continuation.resume(with: Result { try work() }) }
        }
    }
}
