import CordonCore
import Foundation
import Synchronization

/// Token buckets by key (a token id, or a client address for unseal attempts).
final class RateLimiter: Sendable {
    private let capacity: Double
    private let ratePerSecond: Double
    private let buckets = Mutex<[String: TokenBucket]>([:])
    private let clock: @Sendable () -> Double

    init(
        capacity: Int,
        ratePerSecond: Double,
        clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }
    ) {
        self.capacity = Double(max(1, capacity))
        self.ratePerSecond = max(ratePerSecond, 0.001)
        self.clock = clock
    }

    /// Buckets kept before full ones (which behave like new ones) are dropped, so a caller
    /// cycling through keys (client addresses) cannot grow the table without bound.
    static let pruneThreshold = 4096

    /// `nil` when `key` may go ahead, else the seconds to wait (`Retry-After`).
    func take(_ key: String) -> Int? {
        let now = clock()
        return buckets.withLock { buckets in
            if buckets.count >= Self.pruneThreshold && buckets[key] == nil {
                buckets = buckets.filter { !$0.value.isFull(at: now) }
            }
            var bucket = buckets[key] ?? TokenBucket(capacity: capacity, ratePerSecond: ratePerSecond, now: now)
            let wait = bucket.take(now: now)
            buckets[key] = bucket
            return wait
        }
    }
}

/// `429 rate_limited` with `Retry-After` once a token has used its bucket.
struct RateLimitMiddleware: Middleware {
    let limiter: RateLimiter

    func handle(_ request: HTTPRequest, context: RequestContext, next: any Responder) throws -> HTTPResponse {
        if let token = context.token, let wait = limiter.take(token.id) {
            throw APIError.rateLimited(retryAfter: wait)
        }
        return try next.respond(to: request, context: context)
    }
}
