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
        let key = prepared.releaseKey(mechanism: options.mechanism)
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
            action: "query.explain",
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
            mechanism: options.mechanism,
            regions: prepared.plans,
            sql: sql,
            epsilonCost: cost,
            budgetRemaining: remaining,
            wouldUseReleasedAnswer: cached
        )
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
        try record(context, action: "query.budget", regions: regionIDs, details: ["analyst": .string(analyst)])
        return BudgetReport(analyst: analyst, regions: entries)
    }
}
