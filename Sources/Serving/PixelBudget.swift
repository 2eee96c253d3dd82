import Foundation

/// Pixels that the requests in flight may hold decoded at once, across all of them.
///
/// A request reserves the pixel count of its images (read from their headers) before any is decoded and gives it
/// back when its answer is formed. A reservation that does not fit is refused at once (`ServeError.pixelBudgetFull`,
/// 503 + Retry-After) rather than queued, so memory stays bounded by the budget and no request waits unseen.
public final class PixelBudget: @unchecked Sendable {
    /// The most pixels held at once.
    public let capacity: Int
    private let lock = NSLock()
    private var held = 0

    /// Creates an empty budget of `capacity` pixels (at least 1).
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Pixels reserved now.
    public var inUse: Int { lock.withLock { held } }

    /// Reserves `pixels`, or throws `ServeError.pixelBudgetFull` when they do not fit beside what is held.
    public func reserve(_ pixels: Int) throws {
        try lock.withLock {
            guard pixels <= capacity - held else { throw ServeError.pixelBudgetFull }
            held += pixels
        }
    }

    /// Gives back a reservation.
    public func release(_ pixels: Int) {
        lock.withLock { held = max(0, held - pixels) }
    }
}
