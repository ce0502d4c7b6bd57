import CordonAudit
import CordonStore
import Foundation

extension Vault {
    /// Explains a query — plan, regions, bounds, sensitivities, noise and ε cost — without
    /// reading any region or spending budget. Audited as `query.explain`.
    public func explain(
        _ text: String,
        purpose: Purpose,
        analyst: String,
        context: AccessContext,
        options: QueryOptions = QueryOptions()
    ) throws
        -> QueryExplanation
    {
        let now = options.now ?? Int64(Date().timeIntervalSince1970)
        let prepared = try prepare(
            text,
            purpose: purpose,
            analyst: analyst,
            context: context,
            options: options,
            now: now
        )
        let ledger = BudgetLedger(store: control)
        let key = prepared.releaseKey
        var sql: [String: String] = [:]
        var cost: [String: String] = [:]
        var remaining: [String: String] = [:]
        for charge in prepared.charges {
            let (regionSQL, _) = try self.regionSQL(for: charge.region, purpose: purpose, now: now)
            sql[charge.region.rawValue] =
                "SELECT sid, <dimensions>, <bounded measures> FROM events WHERE "
                + regionSQL.condition(prepared.query.filter).text
            cost[charge.region.rawValue] = PrivacyCost(microEpsilon: charge.microEpsilon).description
            let spent = try ledger.spent(analyst: analyst, region: charge.region, period: charge.period)
            remaining[charge.region.rawValue] =
                PrivacyCost(microEpsilon: max(0, charge.limitMicroEpsilon - spent)).description
        }
        let cached = try ledger.released(key) != nil
        try recordQuery(
            context,
            action: .queryExplain,
            regions: prepared.plans.map(\.region),
            purpose: purpose,
            query: prepared.query.canonicalText,
            cost: PrivacyCost(microEpsilon: 0),
            details: ["analyst": .string(analyst)]
        )
        return QueryExplanation(
            query: prepared.query.canonicalText,
            purpose: purpose.rawValue,
            collectionPurposes: prepared.collectionPurposes.map(\.rawValue),
            mechanism: prepared.plans.first?.mechanism ?? options.mechanism ?? .laplace,
            regions: prepared.plans,
            groupings: groupingEstimates(prepared.query, options: options, regions: prepared.plans.map(\.region)),
            sql: sql,
            epsilonCost: cost,
            budgetRemaining: remaining,
            wouldUseReleasedAnswer: cached
        )
    }

    /// What each coarser grouping of the query would need: for every subset of its
    /// dimensions (the query's own first, then fewer dimensions), the people a group needs
    /// to be released and the 95% half-width of each statistic, per region — computed from the
    /// plan alone, so an analyst can pick a grouping before spending anything.
    func groupingEstimates(
        _ query: ValidatedQuery,
        options: QueryOptions,
        regions: [RegionID]
    ) -> [QueryExplanation.GroupingEstimate] {
        guard case .aggregate = query.computation, query.table == .events else { return [] }
        let dimensions = query.dimensions
        guard dimensions.count <= 4 else { return [] }
        var subsets: [[QueryDimension]] = []
        for mask in (0..<(1 << dimensions.count)).reversed() {
            subsets.append(dimensions.indices.filter { mask & (1 << $0) != 0 }.map { dimensions[$0] })
        }
        var planner = QueryPlanner(configuration: configuration, options: options)
        planner.options.now = planner.options.now ?? Int64(Date().timeIntervalSince1970)
        return subsets.compactMap { subset -> QueryExplanation.GroupingEstimate? in
            var coarser = query
            coarser.dimensions = subset
            // Bounds the query set apply to its own grouping; a coarser one gets its defaults.
            if subset != dimensions { planner.options.maxGroupsPerSubject = nil }
            guard let planned = try? planner.plan(coarser) else { return nil }
            guard let plans = try? planner.pooled(planned.filter { regions.contains($0.region) }, coarser) else {
                return nil
            }
            var thresholds: [String: Int64] = [:]
            var widths: [String: [String: Int64]] = [:]
            for plan in plans where regions.contains(plan.region) {
                thresholds[plan.region.rawValue] = plan.releaseThreshold
                widths[plan.region.rawValue] = Dictionary(
                    uniqueKeysWithValues: plan.statistics.map { ($0.name, $0.halfWidth95) }
                )
            }
            return QueryExplanation.GroupingEstimate(
                dimensions: subset.map(\.description),
                maxGroupsPerSubject: plans.first?.maxGroupsPerSubject ?? 1,
                releaseThreshold: thresholds,
                halfWidth95: widths
            )
        }
    }

    /// The analyst's budget in every region for the current period. Audited as `query.budget`.
    public func budget(analyst: String, context: AccessContext, now: Int64? = nil) throws -> BudgetReport {
        let now = now ?? Int64(Date().timeIntervalSince1970)
        let rows = try BudgetLedger(store: control).current(analyst: analyst, now: now)
        var entries: [BudgetReport.Entry] = []
        for region in regionIDs {
            let rules = configuration.policy(for: region).anonymization
            let period = BudgetPeriod.containing(now, duration: rules.budgetPeriod)
            let row = rows.first { $0.region == region && $0.period == period }
            let limit = Int64((rules.budgetPerPeriod * 1_000_000).rounded())
            let spent = row?.spent ?? 0
            entries.append(
                BudgetReport.Entry(
                    region: region.rawValue,
                    policy: configuration.policy(for: region).id.rawValue,
                    periodStart: CivilTime.timestampLabel(period.start),
                    resetsAt: CivilTime.timestampLabel(period.end),
                    budget: PrivacyCost(microEpsilon: limit).description,
                    spent: PrivacyCost(microEpsilon: spent).description,
                    remaining: PrivacyCost(microEpsilon: max(0, limit - spent)).description,
                    epsilonPerQuery: PrivacyCost(microEpsilon: Int64((rules.epsilonPerQuery * 1_000_000).rounded()))
                        .description,
                    queries: row?.queries ?? 0
                )
            )
        }
        try record(context, action: .queryBudget, regions: regionIDs, details: ["analyst": .string(analyst)])
        return BudgetReport(analyst: analyst, regions: entries)
    }
}
