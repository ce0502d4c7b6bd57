/// A token bucket: `capacity` requests at once, refilled at `ratePerSecond`. A value type
/// with no clock of its own (times are passed in), so it is tested without sleeping.
struct TokenBucket: Sendable {
    let capacity: Double
    let ratePerSecond: Double
    private(set) var available: Double
    private(set) var updatedAt: Double

    init(capacity: Double, ratePerSecond: Double, now: Double) {
        self.capacity = capacity
        self.ratePerSecond = ratePerSecond
        self.available = capacity
        self.updatedAt = now
    }

    /// Whether the bucket has refilled completely by `now` (it is then like a new one).
    func isFull(at now: Double) -> Bool {
        available + max(0, now - updatedAt) * ratePerSecond >= capacity
    }

    /// Takes one request's worth: `nil` when allowed, else the whole seconds to wait.
    mutating func take(now: Double) -> Int? {
        available = min(capacity, available + max(0, now - updatedAt) * ratePerSecond)
        updatedAt = max(updatedAt, now)
        if available >= 1 {
            available -= 1
            return nil
        }
        return max(1, Int(((1 - available) / ratePerSecond).rounded(.up)))
    }
}
