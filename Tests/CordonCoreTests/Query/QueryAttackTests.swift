import CordonStore
import Foundation
import Testing

@testable import CordonCore

/// The attacks of issue 6, each of which must fail: refused, suppressed, bounded, or stopped
/// by the budget.
@Suite("Query attacks", .serialized)
struct QueryAttackTests {
    @Test func differencingAttackIsNoisyAndStoppedByTheBudget() throws {
        // Two populations that differ by one subject ("target" buys on channel 'sms').
        let fixture = try QueryFixture(configuration: QueryFixture.configuration(epsilon: 3, budget: 12))
        try fixture.population("s", count: 80, channel: "search")
        try fixture.population("target", count: 1, channel: "sms")
        let everyone = "SELECT COUNT(DISTINCT subject) FROM events WHERE country = 'DE'"
        let withoutTarget = "SELECT COUNT(DISTINCT subject) FROM events WHERE country = 'DE' AND channel <> 'sms'"
        let a = try fixture.query(everyone)
        let b = try fixture.query(withoutTarget)
        // Each count carries noise calibrated to the one-subject difference at the query's ε
        // (no grouping: one group per person, sensitivity 1), so the two answers are
        // (ε, δ)-indistinguishable; the budget bounds how often it can be tried.
        let plan = a.privacy.regions[0]
        #expect(plan.statistics.count == 1 && plan.statistics[0].l1Sensitivity == 1)
        if plan.mechanism == .laplace { #expect(plan.statistics[0].noise.scale >= 1.0 / 3) }
        _ = (a, b)
        // Repeating to average the noise away: identical queries are cached, so the analyst
        // must reword; reworded variants (other filters) spend until the budget refuses.
        #expect(try fixture.query(everyone).privacy.cached)
        _ = try fixture.query("SELECT COUNT(DISTINCT subject) FROM events WHERE country = 'DE' AND channel <> 'x1'")
        _ = try fixture.query("SELECT COUNT(DISTINCT subject) FROM events WHERE country = 'DE' AND channel <> 'x2'")
        let error = #expect(throws: QueryError.self) {
            try fixture.query("SELECT COUNT(DISTINCT subject) FROM events WHERE country = 'DE' AND channel <> 'x3'")
        }
        #expect(error?.code == .budgetExhausted)
        #expect(error?.message.contains("resets at 2025-07-01T00:00:00Z") == true)
        #expect(error?.message.contains("ε=0 of 12 is left") == true)
    }

    @Test func rewordedQueriesReturnTheReleasedAnswerWithoutSpending() throws {
        let fixture = try QueryFixture()
        try fixture.population("s", count: 80)
        let first = try fixture.query(
            "SELECT channel, COUNT(*) AS n FROM events WHERE country = 'DE' AND event IN ('purchase', 'refund') GROUP BY channel"
        )
        let spellings = [
            "select channel,count(*) from EVENTS where event in ('refund','purchase') and 'DE' = country group by channel",
            "SELECT COUNT(*), channel FROM events -- comment\n WHERE (country = 'de' AND (event = 'purchase' OR event = 'refund' OR event = 'refund')) GROUP BY channel",
            "SELECT channel, COUNT(*) FROM events WHERE NOT country <> 'DE' AND event IN ('purchase','refund') GROUP BY channel ORDER BY 2 DESC LIMIT 5",
        ]
        for text in spellings {
            let again = try fixture.query(text)
            #expect(again.privacy.cached, "\(text)")
            #expect(again.query == first.query)
            #expect(again.privacy.budgetRemaining == ["eu": "27"])
        }
        let same = try fixture.query(spellings[0])
        #expect(same.rows == first.rows)
    }

    @Test func aFilterIsolatingOnePersonIsSuppressed() throws {
        let fixture = try QueryFixture()
        try fixture.population("s", count: 80, channel: "search")
        try fixture.population("solo", count: 1, channel: "fax")
        for seed in 0..<20 as Range<UInt64> {
            let answer = try fixture.query(
                "SELECT channel, COUNT(*) FROM events WHERE country = 'DE' AND channel = 'fax' AND event <> 'signup\(seed)' GROUP BY channel",
                analyst: "ana\(seed)",
                seed: seed
            )
            #expect(answer.rows.isEmpty)
        }
    }

    @Test func trackerDecompositionIsSuppressedOrStoppedByBudget() throws {
        // Tracker (Denning et al. 1979): query "everyone" and "everyone except the target's
        // characteristic set" per characteristic. Each small cell is suppressed; the large
        // cells are noisy, and the sequence runs out of budget.
        let fixture = try QueryFixture(configuration: QueryFixture.configuration(epsilon: 3, budget: 15))
        try fixture.population("s", count: 80, channel: "search")
        try fixture.population("target", count: 1, channel: "fax")
        var outcomes: [String] = []
        for channel in ["fax", "search", "email", "social", "direct", "sms"] {
            do {
                let answer = try fixture.query(
                    "SELECT channel, COUNT(*) FROM events WHERE country = 'DE' AND channel <> '\(channel)' GROUP BY channel"
                )
                #expect(!answer.rows.contains { $0.first == .text("fax") })
                outcomes.append(answer.rows.isEmpty ? "suppressed" : "noisy")
            } catch let error as QueryError where error.code == .budgetExhausted {
                outcomes.append("budget")
            }
        }
        #expect(outcomes.suffix(1) == ["budget"])
        #expect(outcomes.filter { $0 == "budget" }.count == 1)
    }

    @Test func oneSubjectWithTenThousandEventsMovesAnswersByAtMostItsBound() throws {
        let fixture = try QueryFixture()
        try fixture.population("s", count: 30, amount: 500)
        let before = try exactTotals(
            fixture,
            "SELECT channel, COUNT(*), SUM(amount) FROM events WHERE country = 'DE' GROUP BY channel"
        )
        let events = (0..<10_000).map {
            QueryFixture.event(
                "whale",
                channel: $0 % 2 == 0 ? "search" : "c\($0 % 50)",
                amount: 10_000_000,
                minute: $0 % 3600
            )
        }
        try fixture.ingest(subjects: [VaultFixture.subject("whale", country: "DE")], events: events)
        let after = try exactTotals(
            fixture,
            "SELECT channel, COUNT(*), SUM(amount) FROM events WHERE country = 'DE' GROUP BY channel"
        )
        // Bound: maxGroups (2) groups × maxRows (5) rows, each clamped to 100000 cents.
        var rowsMoved: Int64 = 0
        var sumMoved: Int64 = 0
        for (key, values) in after.groups {
            let old = before.groups[key] ?? [0, 0, 0]
            rowsMoved += values[1] - old[1]
            sumMoved += values[2] - old[2]
        }
        #expect(after.groups.count - before.groups.count <= 2)
        #expect(rowsMoved <= 2 * 5)
        #expect(sumMoved <= 2 * 5 * 100_000)
    }

    @Test func withdrawingConsentRemovesTheSubjectFromTheNextQuery() throws {
        let fixture = try QueryFixture()
        try fixture.population("s", count: 30)
        let text = "SELECT channel, COUNT(DISTINCT subject) FROM events WHERE country = 'DE' GROUP BY channel"
        #expect(try exactTotals(fixture, text).groups[["search"]]?[0] == 30)
        try fixture.ingest(
            subjects: [
                VaultFixture.subject(
                    "s-3",
                    country: "DE",
                    consents: [("analytics", "withdrawn")],
                    recordedAt: "2025-06-01T00:00:00Z"
                )
            ],
            events: []
        )
        #expect(try exactTotals(fixture, text).groups[["search"]]?[0] == 29)
    }

    @Test func regionsArePrunedByRegionAndCountryFilters() throws {
        let fixture = try QueryFixture()
        let plans = { (text: String) throws -> [String] in
            try fixture.vault.explain(
                text,
                purpose: .analytics,
                analyst: "ana",
                context: fixture.context,
                options: QueryOptions(now: QueryFixture.now)
            )
            .regions.map(\.region.rawValue)
        }
        #expect(try plans("SELECT COUNT(*) FROM events WHERE region = 'eu'") == ["eu"])
        #expect(try plans("SELECT COUNT(*) FROM events WHERE country IN ('DE', 'US')") == ["eu", "us"])
        #expect(try plans("SELECT COUNT(*) FROM events WHERE region <> 'eu'") == ["br", "cn", "uk", "us"])
        #expect(try plans("SELECT COUNT(*) FROM events WHERE region = 'eu' OR channel = 'x'").count == 5)
    }

    /// The bounded exact totals of the EU region (what its anonymizer sees).
    private func exactTotals(_ fixture: QueryFixture, _ text: String) throws -> RegionTotals {
        try fixture.inEURegion(text) { run, db in
            try GroupAggregation(
                plan: run.plan,
                query: run.query,
                sql: run.sql,
                hash: ContributionHash(k0: 1, k1: 2),
                measureBounds: (0, 100_000)
            ).run(lawful: run.lawful, in: db)
        }
    }
}
