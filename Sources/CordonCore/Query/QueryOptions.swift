/// How a query runs.
public struct QueryOptions: Sendable {
    /// The noise mechanism for released statistics (partition selection always uses
    /// discrete Laplace).
    public var mechanism: NoiseMechanism = .laplace
    /// "Now" in Unix seconds, for consent, retention and the budget period (tests and
    /// replays); nil means the current time.
    public var now: Int64?
    /// The regions the caller may read (an API token's scope); the query runs only in
    /// these, and the answer names them. `nil` means every region (the local CLI).
    public var permittedRegions: Set<RegionID>?

    public init(mechanism: NoiseMechanism = .laplace, now: Int64? = nil, permittedRegions: Set<RegionID>? = nil) {
        self.mechanism = mechanism
        self.now = now
        self.permittedRegions = permittedRegions
    }
}
