import CordonAudit
import CordonCrypto
import Dispatch
import Foundation
import Synchronization

extension Vault {
    /// Answers an aggregate question with differential privacy, spending the analyst's
    /// budget in every region it touches — or returns the stored answer of the identical
    /// (canonical) question asked earlier in the period, for free.
    ///
    /// ```swift
    /// let answer = try vault.query(
    ///     "SELECT channel, COUNT(DISTINCT subject) FROM events WHERE event = 'purchase' GROUP BY channel",
    ///     purpose: .analytics, analyst: "ana", context: context)
    /// ```
    ///
    /// Every call is audited (`query.run`: canonical query, regions, ε spent, outcome),
    /// refusals included; if the entry cannot be written nothing is returned.
    /// - Throws: ``QueryError`` (syntax, refusal, budget) or ``VaultError``.
    public func query(
        _ text: String,
        purpose: Purpose,
        analyst: String,
        context: AccessContext,
        options: QueryOptions = QueryOptions()
    ) throws
        -> QueryAnswer
    {
        var random = SystemNoiseRandomness()
        return try query(text, purpose: purpose, analyst: analyst, context: context, options: options, using: &random)
    }

    /// ``query(_:purpose:analyst:context:options:)`` with a chosen randomness source (tests).
    func query(
        _ text: String,
        purpose: Purpose,
        analyst: String,
        context: AccessContext,
        options: QueryOptions,
        using random: inout some NoiseRandomness
    ) throws -> QueryAnswer {
        let now = options.now ?? Int64(Date().timeIntervalSince1970)
        let prepared = try prepare(
            text,
            purpose: purpose,
            analyst: analyst,
            context: context,
            options: options,
            now: now
        )
        let key = prepared.releaseKey
        // An identical query in flight is computed once: wait for it, then find its release.
        let inFlight = queriesInFlight.lease(key.inFlightKey)
        defer { inFlight.release() }
        let ledger = BudgetLedger(store: control)

        if let stored = try ledger.released(key) {
            return try answerReleased(stored, prepared, ledger: ledger, context: context, now: now)
        }
        // A region that cannot be read fails the query before any budget is spent: an answer
        // without it would look complete, and its released key would hide the gap.
        try requireServing(prepared.plans.map(\.region), prepared: prepared, purpose: purpose, context: context)
        try requireBudget(prepared, ledger: ledger, text: text, context: context)
        let result = try release(prepared, context: context, now: now, using: &random)
        try spend(result, prepared, ledger: ledger, text: text, context: context, now: now)
        return try answer(result, prepared, cached: false, ledger: ledger, now: now)
    }

    /// Answers again with the stored release of the identical query (audited as cached, free).
    private func answerReleased(
        _ stored: Data,
        _ prepared: PreparedQuery,
        ledger: BudgetLedger,
        context: AccessContext,
        now: Int64
    ) throws -> QueryAnswer {
        let (query, regions, purpose, analyst) = (
            prepared.query, prepared.plans.map(\.region), prepared.purpose, prepared.analyst
        )
        let result = try JSONDecoder().decode(ReleasedResult.self, from: stored)
        try recordQuery(
            context,
            action: .queryRun,
            regions: regions,
            purpose: purpose,
            query: query.canonicalText,
            cost: PrivacyCost(microEpsilon: 0),
            details: ["analyst": .string(analyst), "cached": .integer(1)]
        )
        return try answer(result, prepared, cached: true, ledger: ledger, now: now)
    }

    /// Throws, after auditing the refusal, when a charge would overdraw a region's budget.
    func requireBudget(
        _ prepared: PreparedQuery,
        ledger: BudgetLedger,
        text: String,
        context: AccessContext
    ) throws {
        let (query, regions, purpose, analyst) = (
            prepared.query, prepared.plans.map(\.region), prepared.purpose, prepared.analyst
        )
        for charge in prepared.charges {
            let spent = try ledger.spent(analyst: analyst, region: charge.region, period: charge.period)
            if spent + charge.microEpsilon > charge.limitMicroEpsilon {
                throw refuse(
                    BudgetLedger.exhausted(charge, spent: spent),
                    text: text,
                    canonical: query.canonicalText,
                    regions: regions,
                    purpose: purpose,
                    analyst: analyst,
                    context: context
                )
            }
        }
    }

    /// Spends the charges and stores the release with its audit entry (`query.run`), in
    /// one transaction; a budget refusal at that point is audited before it is thrown.
    private func spend(
        _ result: ReleasedResult,
        _ prepared: PreparedQuery,
        ledger: BudgetLedger,
        text: String,
        context: AccessContext,
        now: Int64
    ) throws {
        let (query, regions, purpose, analyst, key) = (
            prepared.query, prepared.plans.map(\.region), prepared.purpose, prepared.analyst, prepared.releaseKey
        )
        let encoded = try JSONEncoder().encode(result)
        let cost = PrivacyCost(microEpsilon: prepared.charges.map(\.microEpsilon).max() ?? 0)
        var details: [String: AuditDetailValue] = [
            "analyst": .string(analyst), "groups": .integer(Int64(result.groups.count)),
        ]
        for charge in prepared.charges {
            details["epsilon.\(charge.region.rawValue)"] = .string(
                PrivacyCost(microEpsilon: charge.microEpsilon).description
            )
        }
        do {
            try write(
                .control,
                context: context,
                { db in try ledger.spend(prepared.charges, release: key, answer: encoded, at: now, in: db) },
                entry: { _ in
                    AuditRecord(
                        action: .queryRun,
                        regions: regions,
                        purpose: purpose,
                        query: query.canonicalText,
                        privacyCost: cost,
                        details: details
                    )
                }
            )
        } catch let error as QueryError {
            throw refuse(
                error,
                text: text,
                canonical: query.canonicalText,
                regions: regions,
                purpose: purpose,
                analyst: analyst,
                context: context
            )
        }
    }

    /// Throws, after auditing the refusal, when a region the query reads cannot serve.
    func requireServing(
        _ regions: [RegionID],
        prepared: PreparedQuery,
        purpose: Purpose,
        context: AccessContext
    ) throws {
        var failures: [RegionID: VaultError] = [:]
        for region in regions {
            if case .failure(let failure) = try forRegion(region, { _ in }) { failures[region] = failure }
        }
        guard !failures.isEmpty else { return }
        throw refuse(
            VaultError.regionsUnavailable(
                failures,
                "the query reads it, and an answer without it would look complete; nothing was spent (restrict the query to other regions with WHERE region IN (...))"
            ),
            prepared: prepared,
            purpose: purpose,
            context: context
        )
    }

    /// Records a query that failed because a region could not be read (`query.run`,
    /// outcome `error`, nothing spent) and returns the failure to throw — or the audit
    /// failure, which takes precedence.
    func refuse(
        _ failure: VaultError,
        prepared: PreparedQuery,
        purpose: Purpose,
        context: AccessContext
    ) -> any Error {
        do {
            try recordQuery(
                context,
                action: .queryRun,
                regions: prepared.plans.map(\.region),
                purpose: purpose,
                query: prepared.query.canonicalText,
                cost: PrivacyCost(microEpsilon: 0),
                outcome: .error,
                reason:
                    "\(failure.code): region \(failure.regions.map(\.rawValue).joined(separator: ", ")) cannot be read",
                details: ["analyst": .string(prepared.analyst), "error": .string(failure.code.name)]
            )
        } catch {
            return error
        }
        return failure
    }

    private func answer(
        _ result: ReleasedResult,
        _ prepared: PreparedQuery,
        cached: Bool,
        ledger: BudgetLedger,
        now: Int64
    ) throws -> QueryAnswer {
        var spent: [String: String] = [:]
        var remaining: [String: String] = [:]
        var resets: [String: String] = [:]
        for charge in prepared.charges {
            let used = try ledger.spent(analyst: prepared.analyst, region: charge.region, period: charge.period)
            spent[charge.region.rawValue] = cached ? "0" : PrivacyCost(microEpsilon: charge.microEpsilon).description
            remaining[charge.region.rawValue] =
                PrivacyCost(microEpsilon: max(0, charge.limitMicroEpsilon - used)).description
            resets[charge.region.rawValue] = CivilTime.timestampLabel(charge.period.end)
        }
        let privacy = QueryAnswer.Privacy(
            mechanism: result.mechanism,
            confidenceLevel: 0.95,
            cached: cached,
            epsilonSpent: spent,
            budgetRemaining: remaining,
            budgetResetsAt: resets,
            policyVersions: policyVersions(prepared.plans.map(\.region)),
            regions: result.regions,
            releasedAt: result.releasedAt
        )
        return QueryAnswer.present(
            result,
            query: prepared.query,
            purpose: prepared.purpose,
            analyst: prepared.analyst,
            privacy: privacy
        )
    }
}
