/// What a query would do, without running it or spending budget (`cordon query --explain`).
public struct QueryExplanation: Sendable, Codable, Hashable {
    /// The canonical query (the cache key and the audited text).
    public var query: String
    public var purpose: String
    /// The collection purposes whose events the query counts (the catalog's compatible
    /// purposes for ``purpose``).
    public var collectionPurposes: [String]
    /// The mechanism of the first region's plan (each region's is in ``regions``).
    public var mechanism: NoiseMechanism
    /// Per region touched (after pruning on `region`/`country`): bounds, sensitivities, ε
    /// shares, noise scales, 95% half-widths and the release threshold in people.
    public var regions: [RegionPlan]
    /// The query's grouping and every coarser one: what a group needs to be released there.
    public var groupings: [GroupingEstimate]

    /// What one grouping would need, per region.
    public struct GroupingEstimate: Sendable, Codable, Hashable {
        /// The grouping's dimensions (empty: one total).
        public var dimensions: [String]
        /// Groups one person reaches under it.
        public var maxGroupsPerSubject: Int
        /// Per region: a group of this many people is released with probability ≥ 50% (the
        /// same for every region of a pool: the people the group needs across all of them).
        public var releaseThreshold: [String: Int64]
        /// Per region and statistic: the 95% half-width of its noise.
        public var halfWidth95: [String: [String: Int64]]
    }
    /// The parameterized SQL each region runs (placeholders shown as `?`; values are bound).
    public var sql: [String: String]
    /// ε the query would spend per region, and what would be left.
    public var epsilonCost: [String: String]
    public var budgetRemaining: [String: String]
    /// Whether an identical query was already answered this period (it would cost nothing).
    public var wouldUseReleasedAnswer: Bool
}

/// An analyst's budget in every region, for the current period.
public struct BudgetReport: Sendable, Codable, Hashable {
    public struct Entry: Sendable, Codable, Hashable {
        public var region: String
        public var policy: String
        public var periodStart: String
        public var resetsAt: String
        public var budget: String
        public var spent: String
        public var remaining: String
        public var epsilonPerQuery: String
        public var queries: Int64
    }

    public var analyst: String
    public var regions: [Entry]
}
