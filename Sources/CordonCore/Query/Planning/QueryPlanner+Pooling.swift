/// The limits one plan is calibrated under: the query's options within a policy's limits.
struct PlanLimits: Sendable, Equatable {
    var epsilon: Double
    var delta: Double
    var groups: Int
    var rows: Int
    /// The policy's minimum group size, in people.
    var minimum: Int
    /// The most one person's clamped amounts add to one group.
    var amountPerGroup: Int64
    /// How many keys are public (``PublicKeySet``); nil when partition selection decides.
    var publicKeys: Int?

    /// Limits every one of `plans`' policies accepts: the least ε, δ and bounds, the largest
    /// minimum group size. Keys stay public only when they are public in every region and
    /// their union is small enough.
    init(strictestOf plans: [RegionPlan], publicKeys: Int?) {
        epsilon = plans.map(\.epsilon).min() ?? 0
        delta = plans.map(\.delta).min() ?? 0
        groups = plans.map(\.maxGroupsPerSubject).min() ?? 1
        rows = plans.map(\.maxRowsPerGroup).min() ?? 1
        minimum = plans.map(\.minAggregationSubjects).max() ?? 0
        amountPerGroup = plans.compactMap(\.maxAmountPerGroup).min() ?? 0
        self.publicKeys = publicKeys
    }

    init(
        epsilon: Double,
        delta: Double,
        groups: Int,
        rows: Int,
        minimum: Int,
        amountPerGroup: Int64,
        publicKeys: Int?
    ) {
        (self.epsilon, self.delta, self.groups, self.rows) = (epsilon, delta, groups, rows)
        (self.minimum, self.amountPerGroup, self.publicKeys) = (minimum, amountPerGroup, publicKeys)
    }
}

extension QueryPlanner {
    /// Plans the regions of one process as one pool (decision 0014, "Pooled noise"): each
    /// region still reads, filters and bounds its own people inside its own store, but their
    /// exact bounded totals are summed in memory and noised once, under limits every region's
    /// policy accepts — so a row merged from five regions carries one noise draw, not five,
    /// and its threshold applies to the total. Regions hold disjoint people, so the pooled
    /// data set bounds each person exactly as one region does, and spending the pool's ε in
    /// every region is the same parallel composition as before.
    ///
    /// One region, or none, is returned as planned.
    func pooled(_ plans: [RegionPlan], _ query: ValidatedQuery) throws(QueryError) -> [RegionPlan] {
        guard plans.count > 1 else { return plans }
        let regions = plans.map(\.region)
        let keys = Self.pooledPublicKeys(query, regions: regions, configuration: configuration, now: options.now)
        let limits = PlanLimits(strictestOf: plans, publicKeys: keys?.count)
        return try plans.map { plan throws(QueryError) in
            try calibrated(
                query,
                limits: limits,
                region: plan.region,
                policy: (plan.policyID, plan.policyVersion),
                pooledWith: regions
            )
        }
    }

    /// The union of `regions`' public keys, sorted; nil unless every region's keys are public
    /// and the union stays within ``PublicKeySet/maximumKeys``.
    static func pooledPublicKeys(
        _ query: ValidatedQuery,
        regions: [RegionID],
        configuration: PolicyConfiguration,
        now: Int64?
    ) -> [[String]]? {
        var union = Set<[String]>()
        for id in regions {
            guard let region = configuration.regions[id],
                let keys = PublicKeySet.keys(query, region: region, catalog: configuration.catalog, now: now)
            else { return nil }
            union.formUnion(keys)
            if union.count > PublicKeySet.maximumKeys { return nil }
        }
        return union.sorted { $0.lexicographicallyPrecedes($1) }
    }
}
