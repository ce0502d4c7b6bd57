import Testing

@testable import CordonCore

/// A row merged across regions says which regions it adds up, and its 95% interval covers
/// the total over exactly those regions (issue 15: before, a row silently dropped the regions
/// whose part was suppressed, and its interval covered the all-region total 15 times in 40).
@Suite("Merged answers")
struct MergedAnswerCoverageTests {
    /// Per region: people in the group, and their exact (bounded) revenue in cents.
    static let truth: [(region: RegionID, people: Int64, revenue: Int64)] = [
        ("eu", 600, 600 * 8_000), ("us", 450, 450 * 9_500), ("br", 9, 9 * 7_000),
    ]

    @Test(arguments: [NoiseMechanism.laplace, .gaussian])
    func mergedIntervalsCoverTheTotalOfTheRegionsTheyName(_ mechanism: NoiseMechanism) throws {
        let query = try QueryValidator(catalog: VaultFixture.configuration.catalog).validate(
            try QueryParser.parse("SELECT channel, COUNT(DISTINCT subject), SUM(amount) FROM events GROUP BY channel")
        )
        let plans = Self.truth.map { part in
            let specs = QueryPlanner.statisticSpecs(query, groups: 3, rows: 3, amountPerGroup: 50_000)
            let calibrated = QueryPlanner.calibrate(
                specs,
                mechanism: mechanism,
                epsilon: 1,
                delta: 1e-7,
                groups: 3,
                minimum: 10
            )
            return RegionPlan(
                region: part.region,
                policyID: "test",
                policyVersion: "1",
                epsilon: 1,
                microEpsilon: 1_000_000,
                delta: 1e-7,
                maxGroupsPerSubject: 3,
                maxRowsPerGroup: 3,
                minAggregationSubjects: 10,
                statistics: calibrated.statistics,
                releaseThreshold: calibrated.releaseThreshold,
                selectionThreshold: calibrated.selectionThreshold,
                mechanism: mechanism
            )
        }
        var random = SeededNoiseRandomness(seed: 15)
        let trials = 1000
        var (coveredPeople, coveredRevenue, brWithheld) = (0, 0, 0)
        for _ in 0..<trials {
            var releases: [RegionRelease] = []
            for (plan, part) in zip(plans, Self.truth) {
                let totals = RegionTotals(groups: [["search"]: [part.people, part.revenue]])
                releases.append(try RegionRelease.anonymize(totals, plan: plan, publicKeys: nil, using: &random))
            }
            let result = ReleaseMerger(query: query, measureBounds: (0, 100_000)).merge(releases, releasedAt: "now")
            let row = try #require(result.groups.first { $0.key == ["search"] })
            let named = try #require(row.regions)
            #expect(Set(named).union(row.regionsSuppressed ?? []) == ["eu", "us", "br"])
            if row.regionsSuppressed == ["br"] { brWithheld += 1 }
            let parts = Self.truth.filter { named.contains($0.region.rawValue) }
            let people = try #require(row.statistics["subjects"])
            let revenue = try #require(row.statistics["sum"])
            if people.covers(Double(parts.map(\.people).reduce(0, +))) { coveredPeople += 1 }
            if revenue.covers(Double(parts.map(\.revenue).reduce(0, +))) { coveredRevenue += 1 }
        }
        // The small region is withheld (almost) every time, so the test does exercise it.
        #expect(brWithheld > trials * 9 / 10, "br withheld in \(brWithheld) of \(trials)")
        #expect((930...970).contains(coveredPeople * 1000 / trials), "people covered \(coveredPeople) of \(trials)")
        #expect((930...970).contains(coveredRevenue * 1000 / trials), "revenue covered \(coveredRevenue) of \(trials)")
    }
}

@Suite("Merged answers through the vault", .serialized)
struct MergedAnswerVaultTests {
    /// A group large in the EU and tiny in the US: pooled noise adds up both (one draw for the
    /// total), the row names every region that may hold it and withholds none, and its interval
    /// is the pool's single draw's — the same as one region's.
    @Test func aPooledRowNamesEveryRegionThatMayHoldItAndWithholdsNone() throws {
        let fixture = try QueryFixture()
        try fixture.population("de", count: 120, country: "DE")
        try fixture.population("us", count: 2, country: "US")
        let answer = try fixture.query(
            "SELECT channel, COUNT(DISTINCT subject) AS buyers FROM events WHERE event = 'purchase' GROUP BY channel"
        )
        let index = try #require(answer.rows.firstIndex { $0.first == .text("search") })
        let coverage = try #require(answer.rowRegions?[index])
        #expect(coverage.regions == answer.privacy.regions.map(\.region.rawValue))
        #expect(coverage.regions.contains("us") && coverage.regionsSuppressed.isEmpty)
        // Grouped by country, a row names no region that cannot hold that country.
        let byCountry = try fixture.query("SELECT country, COUNT(DISTINCT subject) FROM subjects GROUP BY country")
        let germany = try #require(byCountry.rows.firstIndex { $0.first == .text("DE") })
        #expect(byCountry.rowRegions?[germany].regions == ["eu"])
        #expect(byCountry.rowRegions?[germany].regionsSuppressed == [])
        let eu = try #require(answer.privacy.regions.first { $0.region == "eu" })
        #expect(eu.pooledWith == answer.privacy.regions.map(\.region))
        let buyers = try #require(answer.value("buyers", where: "search"))
        #expect(buyers.high - buyers.value == Double(eu.statistics[0].halfWidth95))
    }

    /// Scoped to one region the query is not pooled: that region anonymizes its own part.
    @Test func aQueryOfOneRegionIsNotPooled() throws {
        let fixture = try QueryFixture()
        try fixture.population("de", count: 120, country: "DE")
        let answer = try fixture.query(
            "SELECT channel, COUNT(DISTINCT subject) FROM events WHERE region = 'eu' GROUP BY channel"
        )
        #expect(answer.privacy.regions.map(\.region) == ["eu"])
        #expect(answer.privacy.regions[0].pooledWith == nil)
    }
}

@Suite("A/B arms")
struct ABSelectionTests {
    /// A/B arms follow the same partition selection and policy minimum as GROUP BY: an arm of
    /// 3 people is never released; an arm of 400 always is.
    @Test func armsFollowTheSameSelectionAsGroups() throws {
        let query = try QueryValidator(catalog: VaultFixture.configuration.catalog).validate(
            try QueryParser.parse(
                "SELECT AB(campaign, 'cmp-a', 'cmp-b') CONVERTS 'purchase' WITHIN INTERVAL '14 days' FROM events"
            )
        )
        var configuration = VaultFixture.configuration
        for id in configuration.policies.keys { configuration.policies[id]!.anonymization.minAggregationSubjects = 10 }
        let plan = try #require(try QueryPlanner(configuration: configuration).plan(query).first)
        #expect(plan.maxGroupsPerSubject == 1)
        #expect(plan.releaseThreshold >= 10 && plan.releaseThreshold == plan.selectionThreshold)
        #expect(plan.releaseThreshold <= 50)
        var random = SeededNoiseRandomness(seed: 7)
        var (smallReleased, largeReleased) = (0, 0)
        for _ in 0..<300 {
            let totals = RegionTotals(groups: [["cmp-a"]: [3, 1], ["cmp-b"]: [400, 40]])
            let release = try RegionRelease.anonymize(
                totals,
                plan: plan,
                publicKeys: Vault.publicKeys(query),
                using: &random
            )
            if release.groups[["cmp-a"]] != nil { smallReleased += 1 }
            if release.groups[["cmp-b"]] != nil { largeReleased += 1 }
        }
        #expect(smallReleased == 0)
        #expect(largeReleased == 300)
    }
}
