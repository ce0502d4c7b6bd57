/// What leaves a region: noisy per-group statistics of the groups that passed partition
/// selection, and the noisy number of groups that did not.
struct RegionRelease: Sendable {
    var plan: RegionPlan
    /// Released groups: one noisy value per statistic (`suppressed` excluded), in plan order.
    var groups: [[String]: [Int64]]
    /// The noisy count of suppressed groups (nil when the keys are public, as for AB).
    var suppressed: Int64?

    /// Adds noise to every statistic and drops every group whose noisy subject count is
    /// below the release threshold (DP partition selection plus the policy's
    /// `minAggregationSubjects`, both applied to the *noisy* count so that the decision
    /// itself is differentially private).
    ///
    /// With public keys (AB variants) no selection is needed for privacy; the policy's
    /// minimum still applies to the noisy exposed count.
    static func anonymize(
        _ totals: RegionTotals,
        plan: RegionPlan,
        publicKeys: [[String]]?,
        using random: inout some NoiseRandomness
    )
        throws(NoiseError) -> RegionRelease
    {
        let statistics = plan.statistics.filter { $0.name != "suppressed" }
        var groups: [[String]: [Int64]] = [:]
        var suppressed: Int64 = 0
        let keys = publicKeys ?? totals.groups.keys.sorted { $0.lexicographicallyPrecedes($1) }
        for key in keys {
            let exact = totals.groups[key] ?? [Int64](repeating: 0, count: statistics.count)
            var noisy: [Int64] = []
            for (value, statistic) in zip(exact, statistics) {
                noisy.append(value + (try statistic.noise.sample(using: &random)))
            }
            if noisy[0] >= plan.releaseThreshold {
                groups[key] = noisy
            } else {
                suppressed += 1
            }
        }
        var noisySuppressed: Int64?
        if publicKeys == nil, let statistic = plan.statistics.first(where: { $0.name == "suppressed" }) {
            noisySuppressed = suppressed + (try statistic.noise.sample(using: &random))
        }
        return RegionRelease(plan: plan, groups: groups, suppressed: noisySuppressed)
    }
}
