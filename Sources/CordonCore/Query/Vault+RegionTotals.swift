import CordonAudit
import CordonCrypto
import Dispatch
import Foundation
import Synchronization

extension Vault {
    /// The regions' totals, computed concurrently: regions are separate stores with their
    /// own connections, so a query touching several runs them side by side (the noise is
    /// drawn afterwards, in plan order, from the one randomness source). The first failure
    /// in plan order is thrown.
    func concurrentRegionTotals(
        _ query: ValidatedQuery,
        plans: [RegionPlan],
        purpose: Purpose,
        hash: ContributionHash,
        now: Int64
    ) throws -> [RegionTotals] {
        // While an ingest runs, analysts' scans leave it a core (decision 0017, "Scheduling").
        let gate = ScanGate.shared
        guard plans.count > 1 else {
            return try plans.map { plan in
                try gate.scan { try regionTotals(query, plan: plan, purpose: purpose, hash: hash, now: now) }
            }
        }
        let results = Mutex<[Int: Result<RegionTotals, any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: plans.count) { index in
            let result = Result {
                try gate.scan { try regionTotals(query, plan: plans[index], purpose: purpose, hash: hash, now: now) }
            }
            results.withLock { $0[index] = result }
        }
        return try results.withLock { finished in try plans.indices.map { try finished[$0]!.get() } }
    }

    /// The SQL compiler for one region's part of a query for `purpose` at `now`: the
    /// catalog's compatible collection purposes and the region's retention cutoffs (with the
    /// profile cutoff the lawful population uses). Running and explaining share it.
    func regionSQL(for region: RegionID, purpose: Purpose, now: Int64) throws -> (RegionSQL, profileCutoff: Int64?) {
        let store = try store(region)
        let cutoffs = RetentionRules(policy: store.policy, catalog: configuration.catalog).cutoffs(now: now)
        let sql = RegionSQL(
            region: region,
            collectionPurposes: configuration.catalog.collectionPurposes(compatibleWith: purpose),
            purchaseCutoff: cutoffs.purchases,
            browsingCutoff: cutoffs.browsing
        )
        return (sql, cutoffs.profiles)
    }

    /// The bounded exact totals of one region, computed inside its store.
    func regionTotals(
        _ query: ValidatedQuery,
        plan: RegionPlan,
        purpose: Purpose,
        hash: ContributionHash,
        now: Int64
    ) throws
        -> RegionTotals
    {
        let store = try store(plan.region)
        let (sql, profileCutoff) = try regionSQL(for: plan.region, purpose: purpose, now: now)
        let bounds = QueryPlanner.measureBounds(configuration.catalog)
        return try store.read { db in
            let lawful = try store.lawfulSubjects(for: purpose, now: now, profileCutoff: profileCutoff, in: db)
            switch query.computation {
            case .aggregate where query.table == .subjects:
                return try SubjectAggregation(plan: plan, query: query, sql: sql).run(lawful: lawful, in: db)
            case .aggregate:
                return try GroupAggregation(plan: plan, query: query, sql: sql, hash: hash, measureBounds: bounds).run(
                    lawful: lawful,
                    in: db
                )
            case .shape(let shape):
                return try JourneyAggregation(plan: plan, query: query, shape: shape, sql: sql, hash: hash).run(
                    lawful: lawful,
                    in: db
                )
            }
        }
    }
}
