import Foundation

extension Vault {
    /// One group of an exact answer: its key (dimension labels in canonical order) and the
    /// exact value of each statistic, summed over the regions.
    package struct ExactGroup: Sendable {
        package var key: [String]
        package var statistics: [String: Int64]
        /// The same per region that holds the group, so an answer's row can be scored against
        /// the total over the regions it names.
        package var byRegion: [String: [String: Int64]]
    }

    /// The exact answer of a query over the population Cordon would count for it (the lawful
    /// subjects for `purpose` and the rows within retention at `now`), with contribution
    /// bounds set so large they bound nothing and no noise: the reference the utility
    /// benchmark scores released answers against (`cordon-bench utility-exact`).
    ///
    /// Benchmark-only and `package`, never `public`: it reads exact values, spends no budget
    /// and writes no audit entry, so no command or endpoint may reach it.
    package func exactAnswer(_ text: String, purpose: Purpose, now: Int64) throws -> [ExactGroup] {
        let query = try QueryValidator(catalog: configuration.catalog).validate(try QueryParser.parse(text))
        let hash = ContributionHash(k0: 0, k1: 0)
        var merged: [[String]: [String: Int64]] = [:]
        var byRegion: [[String]: [String: [String: Int64]]] = [:]
        for var plan in try QueryPlanner(configuration: configuration).plan(query) {
            plan.maxGroupsPerSubject = Int(Int32.max)
            plan.maxRowsPerGroup = Int(Int32.max)
            plan.maxAmountPerGroup = Int64.max / 4
            let names = plan.statistics.map(\.name)
            let totals = try regionTotals(query, plan: plan, purpose: purpose, hash: hash, now: now)
            for (key, values) in totals.groups {
                for (name, value) in zip(names, values) {
                    merged[key, default: [:]][name, default: 0] += value
                    byRegion[key, default: [:]][plan.region.rawValue, default: [:]][name] = value
                }
            }
        }
        return merged.map { ExactGroup(key: $0.key, statistics: $0.value, byRegion: byRegion[$0.key] ?? [:]) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }
}
