/// Merges the regions' releases into one result: noisy values of the same group add up
/// across regions (their subjects are disjoint), and each sum's interval comes from the
/// combined noise of exactly the regions that contributed to it.
///
/// A merged group estimates the total over the regions that released it, and says so: it
/// names them (`regions`) and the regions it was queried in that did not release it
/// (`regionsSuppressed`: below their threshold, or absent — the two are indistinguishable
/// by design). Its interval covers that total, not the total over every region.
///
/// With public keys (``PublicKeySet``) every region that could hold a key released it, so
/// `regionsSuppressed` is empty and the interval covers the total over every region; the
/// threshold applies to the merged count instead.
///
/// A pooled release (the regions of one process noised once, decision 0014, "Pooled noise")
/// is one release standing for every region of its pool: a row names each pooled region that
/// may hold its key (the regions' public country mapping decides, never the data), withholds
/// none, and its interval is the one noise draw's, covering the total over every region.
struct ReleaseMerger {
    let query: ValidatedQuery
    let measureBounds: (Int64, Int64)
    /// The countries of each region, so a group keyed by a country (or a region) is never
    /// said to be withheld by a region that cannot hold it.
    var countries: [RegionID: Set<String>] = [:]

    /// Merges `releases` of `plans` (by default, the releases' own plans; a pooled release
    /// stands for every plan of its pool).
    func merge(_ releases: [RegionRelease], plans: [RegionPlan]? = nil, releasedAt: String) -> ReleasedResult {
        var keys = Set<[String]>()
        for release in releases { keys.formUnion(release.groups.keys) }
        var groups: [ReleasedResult.Group] = []
        var thresholds: [[RegionID]: Int64] = [:]
        for key in keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            var sums: [String: (Int64, [NoiseDistribution])] = [:]
            var included: [String] = []
            var withheld: [String] = []
            for release in releases {
                // A pooled release adds up every region of its pool that may hold the key.
                let regions = (release.plan.pooledWith ?? [release.plan.region]).filter { mayHold($0, key) }
                guard let values = release.groups[key] else {
                    withheld.append(contentsOf: regions.map(\.rawValue))
                    continue
                }
                included.append(contentsOf: regions.map(\.rawValue))
                for (value, statistic) in zip(values, release.plan.statistics) {
                    let previous = sums[statistic.name] ?? (0, [])
                    sums[statistic.name] = (previous.0 + value, previous.1 + [statistic.noise])
                }
            }
            // Public keys: each region released the key whatever its count, so the threshold
            // applies to the merged count (post-processing: it spends nothing).
            let publicPlans = releases.filter { $0.plan.publicKeys != nil && $0.groups[key] != nil }.map(\.plan)
            if let first = publicPlans.first?.statistics.first,
                (sums[first.name]?.0 ?? 0) < mergedThreshold(publicPlans, &thresholds)
            {
                continue
            }
            groups.append(
                ReleasedResult.Group(key: key, statistics: derive(sums), regions: included, regionsSuppressed: withheld)
            )
        }
        return ReleasedResult(
            canonicalQuery: query.canonicalText,
            groups: groups,
            suppressedGroups: nil,
            regions: plans ?? releases.map(\.plan),
            mechanism: releases.first?.plan.mechanism ?? .laplace,
            releasedAt: releasedAt
        )
    }

    /// The count a group summed over `plans` (public keys) must reach: one region's own
    /// release threshold, or for several the same rule on the merged noise — a group only one
    /// person makes shows with probability ≤ δ — and at least the strictest policy minimum.
    /// The merged count's noise is the sum of the regions', so a group spread over regions
    /// needs fewer people than each region alone would ask for.
    private func mergedThreshold(_ plans: [RegionPlan], _ cache: inout [[RegionID]: Int64]) -> Int64 {
        if plans.count == 1 { return plans[0].releaseThreshold }
        let regions = plans.map(\.region)
        if let known = cache[regions] { return known }
        let selection = NoiseDistribution.mergedThreshold(
            plans.map { $0.statistics[0].noise },
            maxGroups: plans.map(\.maxGroupsPerSubject).max() ?? 1,
            delta: plans.map(\.delta).min() ?? 0
        )
        let threshold = max(selection, Int64(plans.map(\.minAggregationSubjects).max() ?? 0))
        cache[regions] = threshold
        return threshold
    }

    /// Whether `region` could hold the group `key`: not when the key names another region or
    /// a country outside it (the data say nothing here; this is the regions' public mapping).
    private func mayHold(_ region: RegionID, _ key: [String]) -> Bool {
        for (dimension, label) in zip(query.dimensions, key) {
            if dimension == .field(.region) && label != region.rawValue { return false }
            if dimension == .field(.country), let known = countries[region], !known.contains(label) { return false }
        }
        return true
    }

    /// Noisy statistics with their intervals, plus the derived ones (averages, rates).
    private func derive(_ sums: [String: (Int64, [NoiseDistribution])]) -> [String: NoisyValue] {
        var result: [String: NoisyValue] = [:]
        for (name, (value, noises)) in sums {
            let divisor: Double = name == "credit" ? 1000 : 1
            result[name] = NoisyValue(value, halfWidth: NoiseDistribution.combinedHalfWidth(noises), divisor: divisor)
        }
        if let sum = sums["sum"], let count = sums["valued_rows"] {
            // Each part at 97.5% so the ratio's interval holds with ≥ 95% (Bonferroni).
            let sumWidth = Double(NoiseDistribution.combinedHalfWidth(sum.1, level: 0.975))
            let countWidth = Double(NoiseDistribution.combinedHalfWidth(count.1, level: 0.975))
            let (low, high) = (Double(measureBounds.0), Double(measureBounds.1))
            let clamp = { (x: Double) in min(max(x, low), high) }
            let n = Double(count.0)
            let value = n >= 1 ? clamp(Double(sum.0) / n) : low
            let lower = n + countWidth >= 1 ? clamp((Double(sum.0) - sumWidth) / (n + countWidth)) : low
            let upper = n - countWidth >= 1 ? clamp((Double(sum.0) + sumWidth) / (n - countWidth)) : high
            result["avg"] = NoisyValue(value: value, low: min(lower, value), high: max(upper, value))
        }
        ratio(of: "converted", over: "exposed", into: "rate", sums, &result)
        if let steps = sums.keys.filter({ $0.hasPrefix("step") }).compactMap({ Int($0.dropFirst(4)) }).max(), steps >= 2
        {
            for step in 2...steps { ratio(of: "step\(step)", over: "step1", into: "rate\(step)", sums, &result) }
        }
        return result
    }

    /// A ratio of two noisy counts, interval from their 97.5% intervals, clamped to [0, 1].
    private func ratio(
        of numeratorName: String,
        over denominatorName: String,
        into name: String,
        _ sums: [String: (Int64, [NoiseDistribution])],
        _ result: inout [String: NoisyValue]
    ) {
        guard let top = sums[numeratorName], let bottom = sums[denominatorName] else { return }
        let topWidth = Double(NoiseDistribution.combinedHalfWidth(top.1, level: 0.975))
        let bottomWidth = Double(NoiseDistribution.combinedHalfWidth(bottom.1, level: 0.975))
        let clamp = { (x: Double) in min(max(x, 0), 1) }
        let d = Double(bottom.0)
        let value = d >= 1 ? clamp(Double(top.0) / d) : 0
        let lower = clamp((Double(top.0) - topWidth) / max(1, d + bottomWidth))
        let upper = d - bottomWidth >= 1 ? clamp((Double(top.0) + topWidth) / (d - bottomWidth)) : 1
        result[name] = NoisyValue(value: value, low: min(lower, value), high: max(upper, value))
    }
}
