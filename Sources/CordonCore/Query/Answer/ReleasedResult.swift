/// The merged, anonymized result of one canonical query: what is stored as the released
/// answer and re-presented to every spelling of the same query within the budget period.
public struct ReleasedResult: Sendable, Codable, Hashable {
    /// One released group: its key (dimension labels, canonical order) and statistics.
    public struct Group: Sendable, Codable, Hashable {
        public var key: [String]
        public var statistics: [String: NoisyValue]
        /// The regions whose parts the statistics add up (nil in answers released before
        /// decision 0014).
        public var regions: [String]? = nil
        /// The regions queried that did not release this group: their part is not in the
        /// statistics, which estimate the total over ``regions`` only.
        public var regionsSuppressed: [String]? = nil
    }

    public var canonicalQuery: String
    public var groups: [Group]
    /// Noisy number of group keys suppressed, in answers released before decision 0014;
    /// partition selection no longer spends ε on counting them, so it is nil.
    public var suppressedGroups: NoisyValue?
    /// How every region bounded and noised its part.
    public var regions: [RegionPlan]
    public var mechanism: NoiseMechanism
    /// When the answer was released (RFC 3339).
    public var releasedAt: String
}
