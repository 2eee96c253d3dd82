import Foundation
import Imaging
import Serving
import XCTest

final class InferenceBatcherTests: XCTestCase {
    private func images(_ n: Int, seed: UInt8) -> [RGBImage] {
        (0..<n).map { i in RGBImage(width: 32, height: 32, pixels: (0..<(32 * 32 * 3)).map { UInt8(truncatingIfNeeded: $0 &* Int(seed) &+ i * 7) }) }
    }

    /// Three requests queued while the worker is paused form one forward pass when it resumes (no timing window:
    /// the test waits on the queue, not on a clock).
    func testConcurrentRequestsShareOneForwardPassAndKeepTheirOrder() async throws {
        let detector = ServerTests.detector
        let batcher = InferenceBatcher(detector: detector, maxBatch: 64, capacity: 64, wait: 0)
        let sizes = LockedArray()
        batcher.onBatch = { sizes.append($0) }
        let inputs = [images(2, seed: 3), images(3, seed: 5), images(1, seed: 11)]
        batcher.pause()
        let results = try await withThrowingTaskGroup(of: (Int, [Double]).self) { group in
            for (i, batch) in inputs.enumerated() { group.addTask { (i, try await batcher.score(batch).map { $0.probabilities[1] }) } }
            await batcher.waitUntilQueued(6)
            batcher.resume()
            var out = [[Double]](repeating: [], count: inputs.count)
            for try await (i, r) in group { out[i] = r }
            return out
        }
        XCTAssertEqual(sizes.values, [6], "three queued requests form one batch")
        for (batch, got) in zip(inputs, results) {
            // Equal up to the last bits that GEMM blocking changes with the batch size.
            let alone = detector.pFake(batch)
            XCTAssertEqual(got.count, alone.count)
            for (a, b) in zip(got, alone) { XCTAssertEqual(a, b, accuracy: 1e-6, "each request gets its own images' scores, in order") }
        }
        batcher.shutdown()
    }

    func testFullQueueRefusesAndShutdownRefusesLaterWork() async throws {
        let batcher = InferenceBatcher(detector: ServerTests.detector, maxBatch: 64, capacity: 2, wait: 0)
        batcher.pause()
        async let first = batcher.score(images(2, seed: 1))
        await batcher.waitUntilQueued(2)
        do {
            _ = try await batcher.score(images(1, seed: 2))
            XCTFail("a full queue must refuse")
        } catch { XCTAssertEqual(error as? ServeError, .busy) }
        do {
            _ = try await batcher.score(images(3, seed: 2))
            XCTFail("a request larger than the whole queue must refuse")
        } catch { XCTAssertEqual(error as? ServeError, .busy) }
        batcher.resume()
        let scores = try await first
        XCTAssertEqual(scores.count, 2)
        batcher.shutdown()
        do {
            _ = try await batcher.score(images(1, seed: 2))
            XCTFail("a stopped batcher must refuse")
        } catch { XCTAssertEqual(error as? ServeError, .shuttingDown) }
    }
}

/// A thread-safe list for callbacks from the inference thread.
final class LockedArray: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int] = []
    func append(_ v: Int) { lock.withLock { items.append(v) } }
    var values: [Int] { lock.withLock { items } }
}
