/// What a region node returns to the coordinator for one relayed query (decision 0027): its
/// regions' releases as they leave the node — noisy per-group statistics of the groups that
/// passed the node's partition selection, with the plans (bounds, noise, thresholds) the
/// coordinator's merge needs — and the analyst's budget in each of its regions.
///
/// It holds nothing that a single node's answer does not already show: noisy values and the
/// noise metadata (``RegionPlan``). Exact totals never leave the node.
public struct NodeRelease: Sendable, Codable, Hashable {
    /// One release: the noisy values of every released group, in plan statistic order. A
    /// pooled release (the node's regions noised once, decision 0014) stands for every region
    /// of its plan's `pooledWith`.
    public struct Part: Sendable, Codable, Hashable {
        public var plan: RegionPlan
        public var groups: [Group]
    }

    /// One released group: its key and one noisy value per statistic of the plan.
    public struct Group: Sendable, Codable, Hashable {
        public var key: [String]
        public var values: [Int64]
    }

    /// The analyst's budget in one region after this release.
    public struct Budget: Sendable, Codable, Hashable {
        public var region: String
        /// ε this release spent ("0" when it was the stored release of an earlier run).
        public var epsilonSpent: String
        public var budgetRemaining: String
        public var budgetResetsAt: String
    }

    public var canonicalQuery: String
    public var parts: [Part]
    /// Every region plan the node ran (a pooled part stands for several).
    public var plans: [RegionPlan]
    public var budget: [Budget]
    /// True when the node answered with its stored release of the identical query in the
    /// same periods: nothing was spent.
    public var cached: Bool
    /// When the node released it (RFC 3339).
    public var releasedAt: String

    init(canonicalQuery: String, releases: [RegionRelease], plans: [RegionPlan], releasedAt: String) {
        self.canonicalQuery = canonicalQuery
        parts = releases.map { release in
            Part(
                plan: release.plan,
                groups: release.groups.keys.sorted { $0.lexicographicallyPrecedes($1) }.map {
                    Group(key: $0, values: release.groups[$0] ?? [])
                }
            )
        }
        self.plans = plans
        budget = []
        cached = false
        self.releasedAt = releasedAt
    }

    /// The releases as the merger reads them; `nil` when a group's values do not match its
    /// plan's statistics (a node of another version, or a damaged reply).
    var regionReleases: [RegionRelease]? {
        var releases: [RegionRelease] = []
        for part in parts {
            var groups: [[String]: [Int64]] = [:]
            for group in part.groups {
                guard group.values.count == part.plan.statistics.count else { return nil }
                groups[group.key] = group.values
            }
            releases.append(RegionRelease(plan: part.plan, groups: groups))
        }
        return releases
    }
}
