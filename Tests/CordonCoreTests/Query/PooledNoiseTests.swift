import Testing

@testable import CordonCore

/// The regions of one process are noised as one pool (decision 0014, "Pooled noise"): each
/// region bounds its own people, their exact totals are summed in memory, and one draw per
/// value covers the total — instead of one draw per region, which gave a row merged from n
/// regions √n times the noise and a threshold that grew alike (issue 15).
@Suite("Pooled noise")
struct PooledNoiseTests {
    static let channels = "SELECT channel, COUNT(DISTINCT subject), SUM(amount) FROM events GROUP BY channel"

    static func validated(_ text: String) throws -> ValidatedQuery {
        try QueryValidator(catalog: VaultFixture.configuration.catalog).validate(try QueryParser.parse(text))
    }

    /// Every pooled plan carries the strictest limits of the pool's policies: the least ε and
    /// bounds, the largest minimum group size — so no region's policy is exceeded.
    @Test func pooledPlansShareTheStrictestCalibration() throws {
        var configuration = QueryFixture.configuration(epsilon: 3, maxGroups: 4, minSubjects: 5)
        let us = configuration.policy(for: "us").id
        configuration.policies[us]!.anonymization.epsilonPerQuery = 1
        configuration.policies[us]!.anonymization.maxGroupsPerSubject = 2
        configuration.policies[us]!.anonymization.minAggregationSubjects = 40
        let query = try Self.validated(Self.channels)
        let planner = QueryPlanner(configuration: configuration, options: QueryOptions(mechanism: .laplace))
        let planned = try planner.plan(query)
        let pooled = try planner.pooled(planned, query)
        #expect(pooled.map(\.region) == planned.map(\.region) && pooled.count > 1)
        for plan in pooled {
            #expect(plan.pooledWith == planned.map(\.region))
            #expect(plan.epsilon == 1 && plan.microEpsilon == 1_000_000)
            #expect(plan.maxGroupsPerSubject <= 2 && plan.minAggregationSubjects == 40)
            #expect(plan.statistics == pooled[0].statistics && plan.releaseThreshold == pooled[0].releaseThreshold)
        }
        #expect(pooled[0].releaseThreshold >= 40)
        // One region is planned as it is.
        #expect(try planner.pooled([planned[0]], query) == [planned[0]])
    }

    /// A channel whose buyers are spread over three regions, each holding fewer than the
    /// threshold, is released from its pooled count and names the regions it adds up. With
    /// a draw per region (before), each part fell below its own threshold and the row was lost.
    @Test func aGroupSpreadOverRegionsIsReleasedFromItsPooledCount() throws {
        let fixture = try QueryFixture()
        let text = "SELECT channel, COUNT(DISTINCT subject) FROM events WHERE event = 'purchase' GROUP BY channel"
        let prepared = try fixture.prepare(text)
        let threshold = Int(prepared.plans[0].releaseThreshold)
        let part = threshold * 3 / 5
        #expect(part < threshold && 3 * part > threshold + 5)
        for (prefix, country) in [("de", "DE"), ("us", "US"), ("gb", "GB")] {
            try fixture.population(prefix, count: part, country: country)
        }
        var released = 0
        for seed in 0..<10 as Range<UInt64> {
            let answer = try fixture.query(text, analyst: "ana\(seed)", seed: seed)
            guard let index = answer.rows.firstIndex(where: { $0.first == .text("search") }) else { continue }
            released += 1
            let regions = try #require(answer.rowRegions?[index])
            #expect(Set(["eu", "us", "uk"]).isSubset(of: Set(regions.regions)))
            #expect(regions.regionsSuppressed.isEmpty)
        }
        #expect(released >= 9, "released \(released) of 10")
    }

    /// A key one person in each of four regions makes is never released from the pool: the
    /// pooled count faces the same threshold as one region's.
    @Test func aGroupOfOnePersonPerRegionStaysHidden() throws {
        let query = try Self.validated(Self.channels)
        let planner = QueryPlanner(configuration: VaultFixture.configuration)
        let plans = try planner.pooled(try planner.plan(query), query)
        var random = SeededNoiseRandomness(seed: 3)
        let parts = (0..<4).map { _ in RegionTotals(groups: [["search"]: [1, 9_000]]) }
        for _ in 0..<2_000 {
            let release = try RegionRelease.anonymize(
                RegionTotals(pooling: parts),
                plan: plans[0],
                publicKeys: nil,
                using: &random
            )
            #expect(release.groups.isEmpty)
        }
    }

    /// With a small region in the pool, the row still names every region, and its 95%
    /// interval covers the total over all of them 95% ± 2 of the time (the coverage
    /// test, 1,000 seeded trials per mechanism).
    @Test(arguments: [NoiseMechanism.laplace, .gaussian])
    func pooledIntervalsCoverTheTotalOverEveryRegion(_ mechanism: NoiseMechanism) throws {
        let query = try Self.validated(Self.channels)
        let planner = QueryPlanner(
            configuration: VaultFixture.configuration,
            options: QueryOptions(mechanism: mechanism)
        )
        let plans = try planner.pooled(
            try planner.plan(query).filter { ["eu", "us", "br"].contains($0.region.rawValue) },
            query
        )
        let truth = MergedAnswerCoverageTests.truth
        let parts = truth.map { RegionTotals(groups: [["search"]: [$0.people, $0.revenue]]) }
        let merger = ReleaseMerger(query: query, measureBounds: (0, 100_000))
        var random = SeededNoiseRandomness(seed: 15)
        let trials = 1000
        var (coveredPeople, coveredRevenue) = (0, 0)
        for _ in 0..<trials {
            let release = try RegionRelease.anonymize(
                RegionTotals(pooling: parts),
                plan: plans[0],
                publicKeys: nil,
                using: &random
            )
            let row = try #require(merger.merge([release], plans: plans, releasedAt: "now").groups.first)
            #expect(Set(row.regions ?? []) == ["eu", "us", "br"] && row.regionsSuppressed == [])
            let people = try #require(row.statistics["subjects"])
            let revenue = try #require(row.statistics["sum"])
            if people.covers(Double(truth.map(\.people).reduce(0, +))) { coveredPeople += 1 }
            if revenue.covers(Double(truth.map(\.revenue).reduce(0, +))) { coveredRevenue += 1 }
        }
        #expect((930...970).contains(coveredPeople * 1000 / trials), "people covered \(coveredPeople) of \(trials)")
        #expect((930...970).contains(coveredRevenue * 1000 / trials), "revenue covered \(coveredRevenue) of \(trials)")
    }
}
