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
            releases: try anonymizedReleases(prepared, context: context, now: now, using: &random),
            plans: prepared.plans,
            releasedAt: CivilTime.timestampLabel(now)
        )
        try spendRelayed(release, prepared, ledger: ledger, text: text, context: context, now: now)
        release.budget = try relayBudget(prepared, ledger: ledger, cached: false)
        return release
    }
}
