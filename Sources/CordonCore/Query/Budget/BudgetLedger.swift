import CordonAudit
import CordonCrypto
import CordonStore
import Foundation

/// The privacy-budget ledger and released answers in `control.db`.
///
/// Spending is one immediate transaction that re-checks every region's remaining budget,
/// adds the charge, stores the released answer and lets the caller append the audit entry
/// before COMMIT — so two concurrent queries cannot both spend the last ε, and no spend is
/// kept that the audit trail does not show (fail closed).
struct BudgetLedger: Sendable {
    let store: ControlStore

    /// One region's charge for a query.
    struct Charge: Sendable {
        var region: RegionID
        var period: BudgetPeriod
        var microEpsilon: Int64
        var limitMicroEpsilon: Int64
    }

    /// The key of a released answer.
    struct ReleaseKey: Sendable {
        var analyst: String
        var canonicalQuery: String
        var purpose: Purpose
        /// The collection purposes the answer counted: an answer computed over another set
        /// (a catalog changed since) is another answer, never served for this one.
        var collectionPurposes: [Purpose]
        /// The mechanism and any per-query ε and bounds (``Vault/releaseParameters(_:)``),
        /// kept in the `mechanism` column.
        var parameters: String
        /// The periods of every region touched, e.g. `eu:1764547200,us:1764547200`.
        var periodKey: String

        /// The `query_hash` key column: SHA-256 of the canonical query and, after a NUL, the
        /// collection purposes (answers stored before purposes were compared had none, so
        /// none of them is served again).
        var queryHash: String {
            let collected = collectionPurposes.map(\.rawValue).sorted().joined(separator: ",")
            return Hex.encode(SHA256.hash(Array(canonicalQuery.utf8) + [0] + Array(collected.utf8)))
        }
    }

    /// Micro-ε spent by `analyst` in `region` during `period`.
    func spent(analyst: String, region: RegionID, period: BudgetPeriod) throws -> Int64 {
        try store.read("read the privacy budget") { db in
            try db.scalar(
                Int64.self,
                "SELECT spent_micro FROM privacy_budget WHERE analyst = \(analyst) AND region = \(region.rawValue) AND period_start = \(period.start)"
            ) ?? 0
        }
    }

    /// The stored released answer for `key`, if any.
    func released(_ key: ReleaseKey) throws -> Data? {
        try store.read("read a released answer") { db in
            try db.scalar(
                String.self,
                """
                SELECT answer FROM released_answers WHERE analyst = \(key.analyst) AND query_hash = \(key.queryHash)
                  AND purpose = \(key.purpose.rawValue) AND mechanism = \(key.parameters) AND period_key = \(key.periodKey)
                """
            ).map { Data($0.utf8) }
        }
    }

    /// Spends every charge and stores the answer, inside the caller's transaction on
    /// `control.db` (``Vault/write(_:context:_:entry:)``, which appends the query's audit
    /// entry before COMMIT). Throws ``QueryError/Code/budgetExhausted`` (rolling back) when
    /// a region cannot pay any more: the re-check here, under the write lock, is what stops
    /// two concurrent queries from both spending the last ε.
    func spend(
        _ charges: [Charge],
        release key: ReleaseKey,
        answer: Data,
        at now: Int64,
        in db: Connection
    ) throws {
        do {
            for charge in charges {
                let spent =
                    try db.scalar(
                        Int64.self,
                        """
                        SELECT spent_micro FROM privacy_budget WHERE analyst = \(key.analyst) AND region = \(charge.region.rawValue)
                          AND period_start = \(charge.period.start)
                        """
                    ) ?? 0
                guard spent + charge.microEpsilon <= charge.limitMicroEpsilon else {
                    throw BudgetLedger.exhausted(charge, spent: spent)
                }
                try db.execute(
                    """
                    INSERT INTO privacy_budget(analyst, region, period_start, period_end, spent_micro, queries)
                    VALUES (\(key.analyst), \(charge.region.rawValue), \(charge.period.start), \(charge.period.end), \(charge.microEpsilon), 1)
                    ON CONFLICT(analyst, region, period_start) DO UPDATE SET
                      spent_micro = spent_micro + excluded.spent_micro, queries = queries + 1
                    """
                )
            }
            try db.execute(
                """
                INSERT OR REPLACE INTO released_answers(analyst, query_hash, purpose, mechanism, period_key, query, answer, released_at)
                VALUES (\(key.analyst), \(key.queryHash), \(key.purpose.rawValue), \(key.parameters), \(key.periodKey),
                        \(key.canonicalQuery), \(String(decoding: answer, as: UTF8.self)), \(now))
                """
            )
        }
    }

    /// Every ledger row of `analyst` for periods that contain `now`.
    func current(
        analyst: String,
        now: Int64
    ) throws -> [(region: RegionID, period: BudgetPeriod, spent: Int64, queries: Int64)] {
        try store.read("read the privacy budget") { db in
            try db.query(
                """
                SELECT region, period_start, period_end, spent_micro, queries FROM privacy_budget
                WHERE analyst = \(analyst) AND period_start <= \(now) AND period_end > \(now) ORDER BY region
                """
            ).map { row in
                (
                    RegionID(rawValue: try row.get(String.self, at: 0)),
                    BudgetPeriod(start: try row.get(Int64.self, at: 1), end: try row.get(Int64.self, at: 2)),
                    try row.get(Int64.self, at: 3), try row.get(Int64.self, at: 4)
                )
            }
        }
    }

    /// The refusal for a charge that does not fit.
    static func exhausted(_ charge: Charge, spent: Int64) -> QueryError {
        let left = PrivacyCost(microEpsilon: max(0, charge.limitMicroEpsilon - spent))
        return QueryError(
            .budgetExhausted,
            "privacy budget exhausted in region \(charge.region): this query costs ε=\(PrivacyCost(microEpsilon: charge.microEpsilon)) and ε=\(left) of \(PrivacyCost(microEpsilon: charge.limitMicroEpsilon)) is left this period; the budget resets at \(CivilTime.timestampLabel(charge.period.end)). Repeating an answered query costs nothing."
        )
    }
}
