/// How a query runs.
public struct QueryOptions: Sendable {
    /// The noise mechanism for released statistics (partition selection always uses
    /// discrete Laplace).
    public var mechanism: NoiseMechanism = .laplace
    /// "Now" in Unix seconds, for consent, retention and the budget period (tests and
    /// replays); nil means the current time.
    public var now: Int64?

    public init(mechanism: NoiseMechanism = .laplace, now: Int64? = nil) {
        self.mechanism = mechanism
        self.now = now
    }
}
