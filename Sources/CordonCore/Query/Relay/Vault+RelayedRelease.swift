import CordonAudit
import CordonCrypto
import Foundation

extension Vault {
    /// Runs a query a coordinator relays for `analyst` (decision 0027) and returns this
    /// node's release, unmerged, with the noise metadata the coordinator's merge needs.
    ///
    /// The node does exactly what it does for its own analysts: it spends the analyst's
    /// budget in its regions, bounds, noises (its regions pooled, decision 0014) and selects
    /// groups, and stores the release under the query's key (marked as relayed), so the same
    /// query by the same analyst in the same periods is answered again with the same release,
    /// for free. Every call is audited as `query.run` (analyst, ε per region, `relayed`).
    /// - Throws: ``QueryError`` (syntax, refusal, budget) or ``VaultError``.
    public func relayedRelease(
        _ text: String,
        purpose: Purpose,
        analyst: String,
        context: AccessContext,
        options: QueryOptions = QueryOptions()
    ) throws -> NodeRelease {
        let now = options.now ?? Int64(Date().timeIntervalSince1970)
        var prepared = try prepare(
            text,
            purpose: purpose,
            analyst: analyst,
            context: context,
            options: options,
            now: now
        )
        // Stored apart from this node's own answers: a relayed release is kept unmerged.
        prepared.parameters += ";release=relayed"
        let key = prepared.releaseKey
        let inFlight = queriesInFlight.lease(key.inFlightKey)
        defer { inFlight.release() }
        let ledger = BudgetLedger(store: control)
        if let stored = try ledger.released(key) {
            var release = try JSONDecoder().decode(NodeRelease.self, from: stored)
            try recordQuery(
                context,
                action: .queryRun,
                regions: prepared.plans.map(\.region),
                purpose: purpose,
                query: prepared.query.canonicalText,
                cost: PrivacyCost(microEpsilon: 0),
                details: ["analyst": .string(analyst), "cached": .integer(1), "relayed": .integer(1)]
            )
            release.cached = true
            release.budget = try relayBudget(prepared, ledger: ledger, cached: true)
            return release
        }
        try requireServing(prepared.plans.map(\.region), prepared: prepared, purpose: purpose, context: context)
        try requireBudget(prepared, ledger: ledger, text: text, context: context)
        var random = SystemNoiseRandomness()
        var release = NodeRelease(
            canonicalQuery: prepared.query.canonicalText,
            releases: try relayReleases(prepared, context: context, now: now, using: &random),
            plans: prepared.plans,
            releasedAt: CivilTime.timestampLabel(now)
        )
        try spendRelayed(release, prepared, ledger: ledger, text: text, context: context, now: now)
        release.budget = try relayBudget(prepared, ledger: ledger, cached: false)
        return release
    }

    /// The regions' releases before any merge: one pooled release for the node's regions,
    /// or one per region (as ``release(_:context:now:using:)`` computes them).
    private func relayReleases(
        _ prepared: PreparedQuery,
        context: AccessContext,
        now: Int64,
        using random: inout some NoiseRandomness
    ) throws -> [RegionRelease] {
        let (query, purpose, plans) = (prepared.query, prepared.purpose, prepared.plans)
        let hash = ContributionHash(k0: SecureRandom.next64(), k1: SecureRandom.next64())
        let allTotals: [RegionTotals]
        do {
            allTotals = try concurrentRegionTotals(query, plans: plans, purpose: purpose, hash: hash, now: now)
        } catch let failure as VaultError where failure.isRegionStorageFailure {
            throw refuse(failure, prepared: prepared, purpose: purpose, context: context)
        }
        if let pool = plans.first?.pooledWith, plans.count > 1 {
            let keys =
                plans[0].publicKeys == nil
                ? Self.publicKeys(query)
                : QueryPlanner.pooledPublicKeys(query, regions: pool, configuration: configuration, now: now)
            return [try relayAnonymize(RegionTotals(pooling: allTotals), plan: plans[0], keys, &random)]
        }
        return try zip(plans, allTotals).map { plan, totals in
            let keys =
                plan.publicKeys == nil
                ? Self.publicKeys(query)
                : configuration.regions[plan.region].flatMap {
                    PublicKeySet.keys(query, region: $0, catalog: configuration.catalog, now: now)
                }
            return try relayAnonymize(totals, plan: plan, keys, &random)
        }
    }

    private func relayAnonymize(
        _ totals: RegionTotals,
        plan: RegionPlan,
        _ publicKeys: [[String]]?,
        _ random: inout some NoiseRandomness
    ) throws -> RegionRelease {
        do {
            return try RegionRelease.anonymize(totals, plan: plan, publicKeys: publicKeys, using: &random)
        } catch {
            throw VaultError(
                .invalidRequest,
                "a noise scale of this query is too large to sample exactly; narrow the query"
            )
        }
    }
}
