import Foundation

/// A bounded hand-off between one producer thread and one consumer. The consumer cancels it when it
/// stops early, which releases a producer blocked in `put`.
final class BoundedQueue<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [T] = []
    private var done = false, cancelled = false
    private let capacity: Int
    /// The producer's error, if it finished with one.
    private(set) var error: Error?

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Blocks while full; false once the consumer has cancelled.
    func put(_ item: T) -> Bool {
        condition.lock(); defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Marks the end of production.
    func finish(error: Error?) {
        condition.lock(); defer { condition.unlock() }
        done = true
        self.error = error
        condition.broadcast()
    }

    /// The next item, or nil when the producer has finished and everything was taken.
    func take() -> T? {
        condition.lock(); defer { condition.unlock() }
        while items.isEmpty && !done { condition.wait() }
        if items.isEmpty { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Stops the producer at its next `put`.
    func cancel() {
        condition.lock(); defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
    }
}
