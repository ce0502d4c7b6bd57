/// How a query runs.
public struct QueryOptions: Sendable {
    /// The noise mechanism of every released statistic; nil lets each region's plan choose
    /// (``QueryPlanner/choose(named:statistics:selectingCountReleased:calibrate:)``, decision 0014).
    public var mechanism: NoiseMechanism?
    /// "Now" in Unix seconds, for consent, retention and the budget period (tests and
    /// replays); nil means the current time.
    public var now: Int64?
    /// The regions the caller may read (an API token's scope); the query runs only in
    /// these, and the answer names them. `nil` means every region (the local CLI).
    public var permittedRegions: Set<RegionID>?
    /// The purposes the caller may query (an analyst token's purposes); a query for any
    /// other is refused with ``QueryError/Code/purposeNotPermitted``. `nil` means every
    /// queryable purpose (the local CLI).
    public var permittedPurposes: Set<Purpose>?
    /// ε this query spends per region (`--epsilon`, `"epsilon"`); nil means the policy's
    /// `epsilonPerQuery`. Above that maximum the query is refused.
    public var epsilon: Double?
    /// Groups one subject may reach (`--max-groups`, `"maxGroupsPerSubject"`); nil means the
    /// catalog's default for the query's dimensions. At most the policy's limit.
    public var maxGroupsPerSubject: Int?
    /// Rows one subject may add to a group (`--max-rows`, `"maxRowsPerGroup"`); nil means the
    /// catalog's default for the query's shape. At most the policy's limit.
    public var maxRowsPerGroup: Int?
    /// The group size, in people, to release from with probability ≥ 50%
    /// (`--release-threshold`, `"releaseThreshold"`): the count that selects groups takes only
    /// the share of ε that needs and the values the rest (decision 0014, "Release threshold
    /// per query"). Nil shares ε evenly. Refused below the policy's minimum group size or below
    /// what the query's ε can reach.
    public var releaseThreshold: Int?

    public init(
        mechanism: NoiseMechanism? = nil,
        now: Int64? = nil,
        permittedRegions: Set<RegionID>? = nil,
        permittedPurposes: Set<Purpose>? = nil,
        epsilon: Double? = nil,
        maxGroupsPerSubject: Int? = nil,
        maxRowsPerGroup: Int? = nil,
        releaseThreshold: Int? = nil
    ) {
        self.mechanism = mechanism
        self.now = now
        self.permittedRegions = permittedRegions
        self.permittedPurposes = permittedPurposes
        self.epsilon = epsilon
        self.maxGroupsPerSubject = maxGroupsPerSubject
        self.maxRowsPerGroup = maxRowsPerGroup
        self.releaseThreshold = releaseThreshold
    }
}
