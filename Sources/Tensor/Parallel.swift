import COpenBLAS
import Dispatch
import Foundation

/// How the engine uses the machine's cores: its own worker threads over the batch, with OpenBLAS
/// itself single-threaded inside them, so threads x BLAS threads never exceeds the core count.
public enum Parallel {
    /// Worker count (defaults to the active processor count; `DISCERN_THREADS` overrides).
    nonisolated(unsafe) public private(set) static var threadCount: Int = {
        let env = ProcessInfo.processInfo.environment["DISCERN_THREADS"].flatMap(Int.init)
        let n = max(1, env ?? ProcessInfo.processInfo.activeProcessorCount)
        openblas_set_num_threads(1)
        return n
    }()

    /// Sets the worker count used by the kernels (OpenBLAS stays single-threaded).
    public static func setThreadCount(_ n: Int) {
        threadCount = max(1, n)
        openblas_set_num_threads(1)
    }

    /// Splits `0..<count` into at most `threadCount` contiguous ranges of at least `minChunk` items
    /// and runs `body` on each, concurrently.
    @inline(__always)
    public static func forRanges(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let workers = min(threadCount, max(1, count / max(1, minChunk)))
        if workers <= 1 || count <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        let chunk = (count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lo = w * chunk, hi = min(count, lo + chunk)
            if lo < hi { body(lo..<hi) }
        }
    }

    /// `body(i)` for every `i` in `0..<count`, on `workers` threads taking interleaved indices (so one slow item, such
    /// as a huge image to decode, does not hold up a whole contiguous range), results in index order.
    public static func map<T>(_ count: Int, workers: Int = ProcessInfo.processInfo.activeProcessorCount, _ body: (Int) -> T) -> [T] {
        var out = [T?](repeating: nil, count: count)
        let n = max(1, min(workers, count))
        out.withUnsafeMutableBufferPointer { slots in
            let base = slots.baseAddress
            DispatchQueue.concurrentPerform(iterations: n) { w in
                for i in stride(from: w, to: count, by: n) { base![i] = body(i) }
            }
        }
        return out.map { $0! }
    }
}
