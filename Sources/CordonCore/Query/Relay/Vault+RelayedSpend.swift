import CordonAudit
import Foundation

extension Vault {
    /// Spends the charges of a relayed query and stores its release with the `query.run`
    /// entry (analyst, ε per region, `relayed`), in one transaction, as a node's own queries
    /// do; a budget refusal at that point is audited before it is thrown.
    func spendRelayed(
        _ release: NodeRelease,
        _ prepared: PreparedQuery,
        ledger: BudgetLedger,
        text: String,
        context: AccessContext,
        now: Int64
    ) throws {
        let (query, regions, purpose, analyst) = (
            prepared.query, prepared.plans.map(\.region), prepared.purpose, prepared.analyst
        )
        let encoded = try JSONEncoder().encode(release)
        let cost = PrivacyCost(microEpsilon: prepared.charges.map(\.microEpsilon).max() ?? 0)
        var details: [String: AuditDetailValue] = [
            "analyst": .string(analyst),
            "groups": .integer(Int64(release.parts.map(\.groups.count).reduce(0, +))),
            "relayed": .integer(1),
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
                { db in
                    try ledger.spend(prepared.charges, release: prepared.releaseKey, answer: encoded, at: now, in: db)
                },
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

    /// The analyst's budget in each region of a relayed query, after it ran.
    func relayBudget(_ prepared: PreparedQuery, ledger: BudgetLedger, cached: Bool) throws -> [NodeRelease.Budget] {
        try prepared.charges.map { charge in
            let used = try ledger.spent(analyst: prepared.analyst, region: charge.region, period: charge.period)
            return NodeRelease.Budget(
                region: charge.region.rawValue,
                epsilonSpent: cached ? "0" : PrivacyCost(microEpsilon: charge.microEpsilon).description,
                budgetRemaining: PrivacyCost(microEpsilon: max(0, charge.limitMicroEpsilon - used)).description,
                budgetResetsAt: CivilTime.timestampLabel(charge.period.end)
            )
        }
    }
}
