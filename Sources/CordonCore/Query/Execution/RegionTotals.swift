/// The exact, bounded per-group totals of one region: they never leave the region's
/// anonymizer (``RegionRelease`` is what does).
struct RegionTotals: Sendable {
    /// Per group key (dimension labels in canonical order), one value per statistic of
    /// the region plan, in order.
    var groups: [[String]: [Int64]] = [:]
    /// Lawful subjects in the region (for explain and tests only; never released).
    var lawfulSubjects = 0

    /// Adds one subject's (already bounded) contribution to its group.
    mutating func add(_ contribution: Contribution) {
        if var existing = groups[contribution.key] {
            for index in existing.indices { existing[index] += contribution.values[index] }
            groups[contribution.key] = existing
        } else {
            groups[contribution.key] = contribution.values
        }
    }
}

/// One subject's contribution to one group, before group bounding.
struct Contribution {
    var key: [String]
    var values: [Int64]
}
