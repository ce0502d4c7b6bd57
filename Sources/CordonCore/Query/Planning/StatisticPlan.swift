/// One noisy statistic computed per group in a region: its bound, its share of ε and its
/// noise.
public struct StatisticPlan: Sendable, Codable, Hashable {
    /// `subjects`, `rows`, `valued_rows`, `sum`, `step2`, `credit`, `exposed`, `suppressed`...
    public var name: String
    /// How much one subject can change this statistic, summed over every group (L1).
    public var l1Sensitivity: Double
    /// The same in the L2 norm (for the Gaussian mechanism).
    public var l2Sensitivity: Double
    /// The share of the region's ε this statistic spends.
    public var epsilon: Double
    /// The calibrated noise.
    public var noise: NoiseDistribution
    /// The exact 95% half-width of its noise alone.
    public var halfWidth95: Int64
}

/// How one region answers its part of a query.
public struct RegionPlan: Sendable, Codable, Hashable {
    public var region: RegionID
    public var policyID: String
    public var policyVersion: String
    /// ε this query costs in the region (the policy's `epsilonPerQuery`).
    public var epsilon: Double
    /// The same in micro-ε, as the ledger and the audit trail hold it.
    public var microEpsilon: Int64
    public var delta: Double
    public var maxGroupsPerSubject: Int
    public var maxRowsPerGroup: Int
    public var minAggregationSubjects: Int
    /// Statistics in the order the region computes them; the first is the subject count
    /// partition selection thresholds (except for AB, whose keys are public).
    public var statistics: [StatisticPlan]
    /// A group key is released only if its noisy subject count reaches this: also the group
    /// size, in people, released with probability ≥ 50% (the noise is symmetric).
    public var releaseThreshold: Int64
    /// The part of the threshold that comes from partition selection (before the policy's minimum).
    public var selectionThreshold: Int64
    /// The mechanism of this region's statistics — of its values, when ``selectionMechanism``
    /// names another for the selecting count (nil in answers released before decision 0014,
    /// whose statistics name theirs).
    public var mechanism: NoiseMechanism? = nil
    /// For the Gaussian: the query's ρ (zCDP) in this region, shared evenly by its
    /// statistics; or, with ``selectionMechanism`` set, the selecting count's own ρ.
    public var rho: Double? = nil
    /// The δ partition selection spends (all of δ for Laplace, half for the Gaussian).
    public var selectionDelta: Double? = nil
    /// The most one person's clamped amounts add to one group (nil: rows × the amount's bound).
    public var maxAmountPerGroup: Int64? = nil
    /// The grouping dimensions that are attributes of the person (one group each).
    public var subjectLevelDimensions: [String]? = nil
    /// How many group keys are public in this region (``PublicKeySet``): each leaves the
    /// region with noise, none is selected here, and the threshold applies to the count merged
    /// across regions. Nil when the region's partition selection decides which groups appear.
    public var publicKeys: Int? = nil
    /// The regions whose exact, bounded totals are summed before this plan's noise is drawn
    /// once, for the sum (decision 0014, "Pooled noise"); every pooled region carries the same
    /// calibration. Nil when this region anonymizes its own part (a single region, or a
    /// release that leaves its node).
    public var pooledWith: [RegionID]? = nil
    /// The mechanism of the selecting count (the first statistic) where it differs from the
    /// values' ``mechanism``: the Gaussian, which lowers the threshold, while the values keep
    /// Laplace's lighter noise (decision 0014, "Mixed plans"). Nil when one mechanism noises
    /// every statistic.
    public var selectionMechanism: NoiseMechanism? = nil
}

extension RegionPlan {
    /// The plan's mechanisms in words: `laplace`, `gaussian`, or `laplace (gaussian for the
    /// count that selects groups)`; nil for answers released before decision 0014.
    public var mechanismSummary: String? {
        guard let mechanism else { return nil }
        guard let selecting = selectionMechanism, selecting != mechanism else { return mechanism.rawValue }
        return "\(mechanism.rawValue) (\(selecting.rawValue) for the count that selects groups)"
    }

    /// Every plan's mechanisms in words, each once (`otherwise` when no plan names one): the
    /// answer's text, CSV and xlsx comments, and `--explain`'s header.
    public static func mechanismSummary(_ plans: [RegionPlan], otherwise: NoiseMechanism) -> String {
        let summaries = Set(plans.compactMap(\.mechanismSummary)).sorted()
        return "discrete " + (summaries.isEmpty ? otherwise.rawValue : summaries.joined(separator: "; "))
    }
}

extension RegionID: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
