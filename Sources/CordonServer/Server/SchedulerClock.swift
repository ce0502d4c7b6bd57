/// The time a scheduler waits on: the system's monotonic clock in the server, a manual one
/// in tests, so a test drives the schedule without sleeping.
public protocol SchedulerClock: Sendable {
    /// Time elapsed on this clock since its own start; never goes backwards.
    var now: Duration { get }

    /// Returns once ``now`` has reached `deadline` (at once if it has); throws
    /// `CancellationError` when the calling task is cancelled first.
    func sleep(until deadline: Duration) async throws
}

/// The real clock: `ContinuousClock` (monotonic, counting while the machine sleeps), from
/// when this value was made.
public struct SystemSchedulerClock: SchedulerClock {
    private let start = ContinuousClock.now

    public init() {}

    public var now: Duration { ContinuousClock.now - start }

    public func sleep(until deadline: Duration) async throws {
        try await ContinuousClock().sleep(until: start + deadline, tolerance: nil)
    }
}
