import Foundation
import XCTest
@testable import Serving

/// The token buckets behind the study's limits.
final class RateLimiterTests: XCTestCase {
    func testBurstThenRefillAndIdleBucketsAreDropped() throws {
        let limiter = RateLimiter(capacity: 3, perSecond: 1000)
        XCTAssertEqual((0..<3).map { _ in limiter.take("a") }, [true, true, true])
        XCTAssertFalse(limiter.take("a") && limiter.take("a") && limiter.take("a") && limiter.take("a"))
        Thread.sleep(forTimeInterval: 0.01)   // 10 tokens' worth: full again
        XCTAssertTrue(limiter.take("a"))
        // Thousands of one-off keys (refilled within microseconds): each sweep drops those full again, so the map
        // never holds more than about twice the keys active since the last sweep.
        let fast = RateLimiter(capacity: 3, perSecond: 1e7)
        for k in 0..<5000 { _ = fast.take("key-\(k)") }
        XCTAssertLessThan(fast.count, 1100)
        let slow = RateLimiter(capacity: 1, perSecond: 0.001)
        XCTAssertTrue(slow.take("x"))
        XCTAssertFalse(slow.take("x"))
        XCTAssertTrue(slow.take("y"))
    }
}
