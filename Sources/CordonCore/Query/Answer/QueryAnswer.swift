/// The answer to one query, as the CLI prints it (`--format json`) and the HTTP API
/// returns it.
///
/// Carries only anonymized aggregates and their privacy metadata: ε spent and budget left
/// per region, mechanism and noise scales, a 95% confidence interval per noisy value, the
/// (noisy) number of suppressed groups, and the policy versions applied.
public struct QueryAnswer: Sendable, Codable, Hashable {
    /// The canonical query that was computed (what the audit trail records).
    public var query: String
    public var purpose: String
    public var analyst: String
    /// Column labels, in SELECT order (aliases applied).
    public var columns: [String]
    public var rows: [[AnswerCell]]
    /// Per row (same order): the regions whose parts its values add up, and the regions
    /// queried that did not release it. A row's values and intervals estimate the total over
    /// its `regions` only. Nil for answers released before decision 0014.
    public var rowRegions: [RowRegions]?
    /// The noisy number of groups withheld, in answers released before decision 0014 (nil
    /// since: partition selection no longer spends ε counting them).
    public var suppressedGroups: NoisyValue?
    public var privacy: Privacy
    /// Regions the query reads whose node did not answer a coordinator in time, or failed
    /// (decision 0027): their parts are in no row. Absent on a single node's answers.
    public var regionsUnavailable: [String]? = nil

    /// Which regions one row's values cover.
    public struct RowRegions: Sendable, Codable, Hashable {
        /// Regions that released the row; its values add up their parts.
        public var regions: [String]
        /// Regions queried that did not release it (too few people there, or none).
        public var regionsSuppressed: [String]
    }

    /// Privacy metadata of an answer.
    public struct Privacy: Sendable, Codable, Hashable {
        public var mechanism: NoiseMechanism
        public var confidenceLevel: Double
        /// True when this is the stored released answer of an identical earlier query in
        /// the same period: no budget was spent.
        public var cached: Bool
        /// ε this request spent, per region (decimal strings; "0" when cached).
        public var epsilonSpent: [String: String]
        /// ε left in the current period, per region.
        public var budgetRemaining: [String: String]
        /// When each region's period (and budget) resets (RFC 3339).
        public var budgetResetsAt: [String: String]
        public var policyVersions: [String: String]
        /// Per region: bounds, sensitivities, ε shares, noise scales and thresholds.
        public var regions: [RegionPlan]
        public var releasedAt: String
    }
}
