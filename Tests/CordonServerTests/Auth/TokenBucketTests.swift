import Testing

@testable import CordonServer

/// The rate limiter's bucket with times passed in: a burst up to its capacity, then a wait
/// in whole seconds, refilled at its rate and never beyond its capacity.
@Suite("TokenBucket")
struct TokenBucketTests {
    @Test func aNewBucketAllowsABurstOfItsCapacityThenRefuses() {
        var bucket = TokenBucket(capacity: 3, ratePerSecond: 1, now: 100)
        #expect(bucket.take(now: 100) == nil)
        #expect(bucket.take(now: 100) == nil)
        #expect(bucket.take(now: 100) == nil)
        #expect(bucket.take(now: 100) == 1)
    }

    @Test(arguments: [
        // (rate per second, seconds since the bucket emptied, seconds to wait)
        (1.0, 0.0, 1), (0.5, 0.0, 2), (0.1, 0.0, 10), (0.1, 9.5, 1), (0.25, 1.0, 3),
    ])
    func aRefusalSaysHowManyWholeSecondsToWait(rate: Double, elapsed: Double, wait: Int) {
        var bucket = TokenBucket(capacity: 1, ratePerSecond: rate, now: 0)
        #expect(bucket.take(now: 0) == nil)
        #expect(bucket.take(now: elapsed) == wait)
    }

    @Test func theBucketRefillsAtItsRate() {
        var bucket = TokenBucket(capacity: 2, ratePerSecond: 2, now: 0)
        _ = bucket.take(now: 0)
        _ = bucket.take(now: 0)
        #expect(bucket.take(now: 0.2) != nil)
        #expect(bucket.take(now: 1) == nil)
    }

    @Test func refillingNeverExceedsTheCapacity() {
        var bucket = TokenBucket(capacity: 2, ratePerSecond: 10, now: 0)
        for _ in 0..<2 { #expect(bucket.take(now: 1_000) == nil) }
        #expect(bucket.take(now: 1_000) != nil)
        #expect(bucket.available < 1)
    }

    @Test func aClockThatGoesBackwardsAddsNothing() {
        var bucket = TokenBucket(capacity: 1, ratePerSecond: 1, now: 50)
        #expect(bucket.take(now: 50) == nil)
        #expect(bucket.take(now: 10) == 1)
        #expect(bucket.updatedAt == 50)
        #expect(bucket.take(now: 51) == nil)
    }

    @Test func aBucketIsFullOnceItHasRefilledCompletely() {
        var bucket = TokenBucket(capacity: 4, ratePerSecond: 2, now: 0)
        #expect(bucket.isFull(at: 0))
        _ = bucket.take(now: 0)
        _ = bucket.take(now: 0)
        #expect(!bucket.isFull(at: 0.5))
        #expect(bucket.isFull(at: 1))
        #expect(!bucket.isFull(at: -5))
    }
}
