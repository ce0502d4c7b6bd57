/// What leaves a region: the noisy per-group statistics of the groups that passed partition
/// selection. Nothing is said about the others — not even how many there were.
struct RegionRelease: Sendable {
    var plan: RegionPlan
    /// Released groups: one noisy value per statistic, in plan order.
    var groups: [[String]: [Int64]]

    /// Adds noise to every statistic and drops every group whose noisy subject count (the
    /// first statistic, released as it is) is below the release threshold: DP partition
    /// selection plus the policy's `minAggregationSubjects`, both applied to the *noisy*
    /// count so that the decision itself is differentially private.
    ///
    /// Keys known in advance (AB variants) are each evaluated even when no one was exposed,
    /// and follow the same threshold as any group.
    static func anonymize(
        _ totals: RegionTotals,
        plan: RegionPlan,
        publicKeys: [[String]]?,
        using random: inout some NoiseRandomness
    )
        throws(NoiseError) -> RegionRelease
    {
        var groups: [[String]: [Int64]] = [:]
        let keys = publicKeys ?? totals.groups.keys.sorted { $0.lexicographicallyPrecedes($1) }
        for key in keys {
            let exact = totals.groups[key] ?? [Int64](repeating: 0, count: plan.statistics.count)
            var noisy: [Int64] = []
            for (value, statistic) in zip(exact, plan.statistics) {
                noisy.append(value + (try statistic.noise.sample(using: &random)))
            }
            // Public keys are released whatever their count (the merged count meets the minimum).
            if plan.publicKeys != nil || noisy[0] >= plan.releaseThreshold { groups[key] = noisy }
        }
        return RegionRelease(plan: plan, groups: groups)
    }
}
