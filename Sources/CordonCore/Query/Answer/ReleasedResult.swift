/// The merged, anonymized result of one canonical query: what is stored as the released
/// answer and re-presented to every spelling of the same query within the budget period.
public struct ReleasedResult: Sendable, Codable, Hashable {
    /// One released group: its key (dimension labels, canonical order) and statistics.
    public struct Group: Sendable, Codable, Hashable {
        public var key: [String]
        public var statistics: [String: NoisyValue]
    }

    public var canonicalQuery: String
    public var groups: [Group]
    /// Noisy number of group keys suppressed, summed over regions (nil for public keys).
    public var suppressedGroups: NoisyValue?
    /// How every region bounded and noised its part.
    public var regions: [RegionPlan]
    public var mechanism: NoiseMechanism
    /// When the answer was released (RFC 3339).
    public var releasedAt: String
}
