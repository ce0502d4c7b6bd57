/// The exact, bounded per-group totals of one region (or of a pool of regions): they never
/// leave the anonymizer (``RegionRelease`` is what does), are never stored, logged or returned.
struct RegionTotals: Sendable {
    /// Per group key (dimension labels in canonical order), one value per statistic of
    /// the region plan, in order.
    var groups: [[String]: [Int64]] = [:]
    /// Lawful subjects in the region (for explain and tests only; never released).
    var lawfulSubjects = 0

    init(groups: [[String]: [Int64]] = [:], lawfulSubjects: Int = 0) {
        (self.groups, self.lawfulSubjects) = (groups, lawfulSubjects)
    }

    /// The sum of several regions' totals, key by key (their people are disjoint): the
    /// exact pool that pooled noise is drawn for once. It lives only in memory, between the
    /// regions' reads and the noise.
    init(pooling parts: [RegionTotals]) {
        for part in parts {
            lawfulSubjects += part.lawfulSubjects
            for (key, values) in part.groups { add(Contribution(key: key, values: values)) }
        }
    }

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
