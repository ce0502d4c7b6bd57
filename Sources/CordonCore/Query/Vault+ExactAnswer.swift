import CordonStore
import Foundation

extension Vault {
    /// One group of an exact answer: its key (dimension labels in canonical order) and the
    /// exact value of each statistic, summed over the regions.
    package struct ExactGroup: Sendable {
        package var key: [String]
        package var statistics: [String: Int64]
        /// The same per region that holds the group, so an answer's row can be scored against
        /// the total over the regions it names.
        package var byRegion: [String: [String: Int64]]
    }

    /// The exact answer of a query over the population Cordon would count for it (the lawful
    /// subjects for `purpose` and the rows within retention at `now`), with contribution
    /// bounds set so large they bound nothing and no noise: the reference the utility
    /// benchmark scores released answers against (`cordon-bench utility-exact`).
    ///
    /// Benchmark-only and `package`, never `public`: it reads exact values, spends no budget
    /// and writes no audit entry, so no command or endpoint may reach it.
    package func exactAnswer(_ text: String, purpose: Purpose, now: Int64) throws -> [ExactGroup] {
        let query = try QueryValidator(catalog: configuration.catalog).validate(try QueryParser.parse(text))
        let hash = ContributionHash(k0: 0, k1: 0)
        var merged: [[String]: [String: Int64]] = [:]
        var byRegion: [[String]: [String: [String: Int64]]] = [:]
        for var plan in try QueryPlanner(configuration: configuration).plan(query) {
            plan.maxGroupsPerSubject = Int(Int32.max)
            plan.maxRowsPerGroup = Int(Int32.max)
            plan.maxAmountPerGroup = Int64.max / 4
            let names = plan.statistics.map(\.name)
            let totals = try regionTotals(query, plan: plan, purpose: purpose, hash: hash, now: now)
            for (key, values) in totals.groups {
                for (name, value) in zip(names, values) {
                    merged[key, default: [:]][name, default: 0] += value
                    byRegion[key, default: [:]][plan.region.rawValue, default: [:]][name] = value
                }
            }
        }
        return merged.map { ExactGroup(key: $0.key, statistics: $0.value, byRegion: byRegion[$0.key] ?? [:]) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }
}

extension Vault {
    /// One event of the population Cordon counts, as the utility benchmark hands it to the
    /// peers: the region and the subject's row id stand in for the person.
    package struct LawfulEvent: Sendable {
        package var region: String
        package var sid: Int64
        package var ts: Int64
        package var event: String
        package var channel: String?
        package var campaign: String?
        package var country: String
        package var amountCents: Int64?
    }

    /// Every event a query for `purpose` at `now` may read (lawful subject, compatible
    /// collection purpose, within retention), per region in subject and time order: the
    /// benchmark gives the peers the same rows Cordon counts (`cordon-bench
    /// utility-lawful-events`), so utility is compared on one input.
    ///
    /// Benchmark-only and `package`, like ``exactAnswer(_:purpose:now:)``: it reads raw
    /// rows, writes no audit entry, and no command or endpoint may reach it.
    package func lawfulEvents(purpose: Purpose, now: Int64, _ body: (LawfulEvent) throws -> Void) throws {
        for region in regionIDs {
            let store = try store(region)
            let (sql, profileCutoff) = try regionSQL(for: region, purpose: purpose, now: now)
            try store.read { db in
                let lawful = try store.lawfulSubjects(for: purpose, now: now, profileCutoff: profileCutoff, in: db)
                let select: SQL =
                    "SELECT sid, ts, event, channel, campaign, country, amount_cents FROM events WHERE "
                    + sql.condition(nil) + " ORDER BY sid, ts, id"
                try db.forEachLawfulSubject(
                    select,
                    lawful: lawful,
                    row: { row in
                        try body(
                            LawfulEvent(
                                region: region.rawValue,
                                sid: try row.get(Int64.self, at: 0),
                                ts: try row.get(Int64.self, at: 1),
                                event: try row.get(String.self, at: 2),
                                channel: try row.get(String?.self, at: 3),
                                campaign: try row.get(String?.self, at: 4),
                                country: try row.get(String.self, at: 5),
                                amountCents: try row.get(Int64?.self, at: 6)
                            )
                        )
                    },
                    subjectEnded: { _ in }
                )
            }
        }
    }
}
