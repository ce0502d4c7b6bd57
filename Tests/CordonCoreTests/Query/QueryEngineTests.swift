import CordonAudit
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

@Suite("Query engine", .serialized)
struct QueryEngineTests {
    @Test func groupByAnswersNoisyCountsWithIntervalsAndPrivacyMetadata() throws {
        let fixture = try QueryFixture()
        try fixture.population("s", count: 80, channel: "search")
        try fixture.population("e", count: 80, channel: "email")
        let answer = try fixture.query(
            "SELECT channel, COUNT(DISTINCT subject) AS buyers, COUNT(*), SUM(amount), AVG(amount) FROM events WHERE event = 'purchase' AND country = 'DE' GROUP BY channel ORDER BY channel"
        )
        #expect(answer.columns == ["channel", "buyers", "COUNT(*)", "SUM(amount)", "AVG(amount)"])
        #expect(answer.rows.map { $0[0] } == [.text("email"), .text("search")])
        let buyers = try #require(answer.value("buyers", where: "search"))
        #expect(buyers.low <= buyers.value && buyers.value <= buyers.high)
        // Noise beyond four 95% half-widths has probability below 1e-5 (Laplace: e^-(4 ln 20)),
        // so this fails on a broken scale, not on an unlucky draw (a fixed ±20 did, once).
        let halfWidth = max(buyers.value - buyers.low, buyers.high - buyers.value)
        #expect(halfWidth > 0 && halfWidth < 40)
        #expect(abs(buyers.value - 80) <= 4 * halfWidth)
        let average = try #require(answer.value("AVG(amount)", where: "search"))
        #expect(average.low >= 0 && average.high <= 100_000)
        #expect(answer.privacy.epsilonSpent == ["eu": "3"])
        #expect(answer.privacy.budgetRemaining == ["eu": "27"])
        #expect(answer.privacy.budgetResetsAt == ["eu": "2025-07-01T00:00:00Z"])
        #expect(answer.privacy.cached == false)
        #expect(answer.privacy.policyVersions["eu"] != nil)
        // One region: every row adds up the EU's part only, and says so.
        #expect(answer.rowRegions?.count == answer.rows.count)
        #expect(answer.rowRegions?.allSatisfy { $0.regions == ["eu"] && $0.regionsSuppressed.isEmpty } == true)
        #expect(answer.suppressedGroups == nil)
    }

    @Test func everyQueryIsAuditedWithCanonicalTextAndCost() throws {
        let fixture = try QueryFixture()
        try fixture.population("s", count: 60)
        _ = try fixture.query("select channel, count(*) from events where country = 'DE' group by channel")
        #expect(throws: QueryError.self) { try fixture.query("SELECT email FROM events") }
        let entries = try fixture.vault.audit.entries(in: 0..<fixture.vault.audit.treeSize).filter {
            $0.action == "query.run"
        }
        #expect(entries.count == 2)
        #expect(entries[0].query == "SELECT channel, COUNT(*) FROM events WHERE country = 'DE' GROUP BY channel")
        #expect(entries[0].privacyCost?.microEpsilon == 3_000_000)
        #expect(entries[0].regions == ["eu"])
        #expect(entries[1].outcome == .denied)
        #expect(entries[1].query == nil)
        #expect(entries[1].details["query.sha256"] != nil)
    }

    @Test func explainShowsPlanWithoutSpending() throws {
        let fixture = try QueryFixture()
        let explanation = try fixture.vault.explain(
            "SELECT device, SUM(amount) FROM events WHERE region = 'us' GROUP BY device",
            purpose: .analytics,
            analyst: "ana",
            context: fixture.context,
            options: QueryOptions(now: QueryFixture.now)
        )
        #expect(explanation.regions.map(\.region) == ["us"])
        #expect(explanation.epsilonCost == ["us": "3"])
        // No statistic pays for partition selection: the released subject count decides it.
        #expect(explanation.regions[0].statistics.map(\.name) == ["subjects", "sum"])
        // device is event-level with the catalog's default of 2 devices; one person's amounts
        // in a group are clamped to the catalog's 25,000 per group (below 5 rows × 100,000).
        #expect(explanation.regions[0].maxGroupsPerSubject == 2)
        #expect(explanation.regions[0].maxAmountPerGroup == 25_000)
        #expect(explanation.regions[0].statistics[1].l1Sensitivity == 2 * 25_000)
        #expect(explanation.groupings.map(\.dimensions) == [["device"], []])
        #expect(explanation.groupings[1].maxGroupsPerSubject == 1)
        #expect(explanation.groupings[1].releaseThreshold["us"]! < explanation.groupings[0].releaseThreshold["us"]!)
        let budget = try fixture.vault.budget(analyst: "ana", context: fixture.context, now: QueryFixture.now)
        #expect(budget.regions.allSatisfy { $0.spent == "0" && $0.remaining == "30" })
    }

    @Test func gaussianMechanismAnswers() throws {
        let fixture = try QueryFixture()
        try fixture.population("s", count: 80)
        let answer = try fixture.query(
            "SELECT COUNT(*) FROM events WHERE country = 'DE'",
            mechanism: .gaussian,
            seed: 7
        )
        #expect(answer.privacy.mechanism == .gaussian)
        let rows = try #require(answer.rows.first.flatMap { if case .number(let value) = $0[0] { value } else { nil } })
        #expect(abs(rows.value - 80) < 60)
        #expect(answer.privacy.regions[0].statistics[1].noise.mechanism == .gaussian)
    }
}

@Suite("Queries fail closed when the audit trail cannot be written", .serialized)
struct QueryFailClosedTests {
    @Test func anUnwritableAuditTrailReturnsNothingAndSpendsNothing() throws {
        let fixture = try QueryFixture()
        try fixture.population("s", count: 60)
        // One entry per segment, and a directory where the next segment file must go (root
        // ignores chmod, so this is how a test makes the disk refuse).
        var audit = AuditConfiguration()
        audit.segmentMaxEntries = 1
        try fixture.reopen(audit: audit)
        let blocker = fixture.directory.url.appendingPathComponent(
            String(format: "audit/segments/%010llu.ndjson", fixture.vault.audit.treeSize)
        )
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)

        let error = #expect(throws: VaultError.self) {
            try fixture.query("SELECT COUNT(*) FROM events WHERE country = 'DE'")
        }
        #expect(error?.code == .auditUnavailable)
        // A refusal that cannot be audited fails as an audit failure too.
        #expect(throws: VaultError.self) { try fixture.query("SELECT * FROM events") }

        try FileManager.default.removeItem(at: blocker)
        try fixture.reopen()
        let budget = try fixture.vault.budget(analyst: "ana", context: fixture.context, now: QueryFixture.now)
        #expect(budget.regions.first { $0.region == "eu" }?.spent == "0")
        #expect(try fixture.query("SELECT COUNT(*) FROM events WHERE country = 'DE'").privacy.cached == false)
    }

    /// `FROM subjects` counts the lawful population: one row per subject, in one group,
    /// withdrawn and past-retention subjects excluded, with bounds of 1 and 1.
    @Test func subjectsCountsPeopleByCountry() throws {
        let fixture = try QueryFixture(configuration: QueryFixture.configuration(epsilon: 8))
        try fixture.population("de", count: 30, country: "DE")
        try fixture.population("fr", count: 20, country: "FR")
        try fixture.ingest(
            subjects: (0..<5).map {
                VaultFixture.subject(
                    "de-\($0)",
                    country: "DE",
                    consents: [("analytics", "withdrawn")],
                    recordedAt: "2025-06-01T00:00:00Z"
                )
            },
            events: []
        )
        let text =
            "SELECT country, COUNT(*) AS people FROM subjects WHERE region = 'eu' GROUP BY country ORDER BY people DESC"
        let query = try QueryValidator(catalog: fixture.vault.configuration.catalog).validate(
            try QueryParser.parse(text)
        )
        let plan = try #require(
            try QueryPlanner(configuration: fixture.vault.configuration).plan(query).first
        )
        #expect(plan.maxGroupsPerSubject == 1 && plan.maxRowsPerGroup == 1)
        #expect(plan.statistics.first?.l1Sensitivity == 1)
        let store = try fixture.vault.store("eu")
        let totals = try store.read { db in
            let lawful = try store.lawfulSubjects(for: .analytics, now: QueryFixture.now, profileCutoff: nil, in: db)
            return try SubjectAggregation(
                plan: plan,
                query: query,
                sql: RegionSQL(region: "eu", collectionPurposes: [.analytics], purchaseCutoff: nil, browsingCutoff: nil)
            )
            .run(lawful: lawful, in: db)
        }
        #expect(totals.groups == [["DE"]: [25], ["FR"]: [20]])
        let answer = try fixture.query(text, seed: 3)
        #expect(answer.columns == ["country", "people"])
        let germans = try #require(answer.value("people", where: "DE"))
        #expect(germans.low <= 25 && 25 <= germans.high)
        #expect(answer.rows.first?.first == .text("DE"))
    }
}

/// ε and contribution bounds chosen per query, within the policy (decision 0014).
@Suite("Query parameters", .serialized)
struct QueryParameterTests {
    @Test func aQueryMaySpendLessThanThePolicysMaximumButNotMore() throws {
        let fixture = try QueryFixture()
        try fixture.population("s", count: 60)
        let text = "SELECT channel, COUNT(DISTINCT subject) FROM events WHERE country = 'DE' GROUP BY channel"
        var options = QueryOptions(mechanism: .laplace, now: QueryFixture.now, epsilon: 0.5)
        let answer = try fixture.vault.query(
            text,
            purpose: .analytics,
            analyst: "ana",
            context: fixture.context,
            options: options
        )
        #expect(answer.privacy.epsilonSpent == ["eu": "0.5"])
        #expect(answer.privacy.regions[0].statistics[0].epsilon == 0.5)
        // The same text at another ε is another release, paid again.
        options.epsilon = 1
        let again = try fixture.vault.query(
            text,
            purpose: .analytics,
            analyst: "ana",
            context: fixture.context,
            options: options
        )
        #expect(again.privacy.cached == false && again.privacy.epsilonSpent == ["eu": "1"])
        options.epsilon = 4  // the fixture's policies allow 3 per query
        let error = #expect(throws: QueryError.self) {
            try fixture.vault.query(
                text,
                purpose: .analytics,
                analyst: "ana",
                context: fixture.context,
                options: options
            )
        }
        #expect(error?.code == .invalid)
        #expect(
            error?.message.contains("exceeds the") == true && error?.message.contains("per-query maximum 3") == true
        )
        let budget = try fixture.vault.budget(analyst: "ana", context: fixture.context, now: QueryFixture.now)
        #expect(budget.regions.first { $0.region == "eu" }?.spent == "1.5")
    }

    @Test func boundsAreTheQuerysWithinThePolicysLimits() throws {
        let fixture = try QueryFixture()
        let text = "SELECT channel, device, COUNT(*) FROM events GROUP BY channel, device"
        let options = QueryOptions(now: QueryFixture.now, maxGroupsPerSubject: 1, maxRowsPerGroup: 2)
        let plan = try fixture.vault.explain(
            text,
            purpose: .analytics,
            analyst: "ana",
            context: fixture.context,
            options: options
        )
        #expect(plan.regions.allSatisfy { $0.maxGroupsPerSubject == 1 && $0.maxRowsPerGroup == 2 })
        // Defaults: channel 3 × device 2 = 6, capped by the fixture policies' limit of 2 groups.
        let defaults = try fixture.vault.explain(
            text,
            purpose: .analytics,
            analyst: "ana",
            context: fixture.context,
            options: QueryOptions(now: QueryFixture.now)
        )
        #expect(defaults.regions.allSatisfy { $0.maxGroupsPerSubject == 2 && $0.maxRowsPerGroup == 3 })
        let error = #expect(throws: QueryError.self) {
            try fixture.vault.explain(
                text,
                purpose: .analytics,
                analyst: "ana",
                context: fixture.context,
                options: QueryOptions(now: QueryFixture.now, maxGroupsPerSubject: 9)
            )
        }
        #expect(error?.message.contains("maxGroupsPerSubject 9 is outside 1...2") == true)
    }

    /// A subject-level dimension does not multiply the groups a person reaches, so grouping
    /// by country as well as channel needs no more people per group than channel alone.
    @Test func subjectLevelDimensionsDoNotMultiplyGroups() throws {
        let fixture = try QueryFixture(configuration: QueryFixture.configuration(epsilon: 1, maxGroups: 8, delta: 1e-7))
        let explain = { (text: String) in
            try fixture.vault.explain(
                text,
                purpose: .analytics,
                analyst: "ana",
                context: fixture.context,
                options: QueryOptions(now: QueryFixture.now)
            )
        }
        let byChannel = try explain("SELECT channel, COUNT(DISTINCT subject) FROM events GROUP BY channel")
        let byBoth = try explain(
            "SELECT country, channel, COUNT(DISTINCT subject) FROM events GROUP BY country, channel"
        )
        let byCountry = try explain("SELECT country, COUNT(DISTINCT subject) FROM events GROUP BY country")
        #expect(byChannel.regions[0].maxGroupsPerSubject == 3 && byBoth.regions[0].maxGroupsPerSubject == 3)
        #expect(byCountry.regions[0].maxGroupsPerSubject == 1)
        #expect(byBoth.regions[0].releaseThreshold == byChannel.regions[0].releaseThreshold)
        #expect(byCountry.regions[0].releaseThreshold <= 50 && byChannel.regions[0].releaseThreshold <= 150)
        #expect(byCountry.regions[0].subjectLevelDimensions == ["country"])
    }
}
