import CordonStore
import Foundation
import Testing

@testable import CordonCore

/// Group keys that follow from the query and the catalog are released without partition
/// selection in each region; the threshold applies to the count merged across regions
/// (issue 15: daily purchases over 90 days released 0 of 90 days with per-region selection).
@Suite("Public key sets")
struct PublicKeySetTests {
    static let catalog = VaultFixture.configuration.catalog
    static let eu = VaultFixture.configuration.regions["eu"]!

    static func validated(_ text: String) throws -> ValidatedQuery {
        try QueryValidator(catalog: catalog).validate(try QueryParser.parse(text))
    }

    static func keys(_ text: String, now: Int64? = nil) throws -> [[String]]? {
        PublicKeySet.keys(try validated(text), region: eu, catalog: catalog, now: now)
    }

    @Test func daysOfABoundedRangeArePublic() throws {
        let keys = try Self.keys(
            "SELECT day(ts), COUNT(*) FROM events WHERE ts >= '2025-04-29' AND ts < '2025-05-02' GROUP BY day(ts)"
        )
        #expect(keys == [["2025-04-29"], ["2025-04-30"], ["2025-05-01"]])
        // BETWEEN is inclusive: the last second belongs to its day.
        let between = try Self.keys(
            "SELECT day(ts), COUNT(*) FROM events WHERE ts BETWEEN '2025-05-01' AND '2025-05-02' GROUP BY day(ts)"
        )
        #expect(between == [["2025-05-01"], ["2025-05-02"]])
    }

    @Test func weeksAndMonthsUseTheLabelsTheStoreProduces() throws {
        // 2025-05-01 is a Thursday: its week starts on Monday 2025-04-28, as `RegionSQL` labels it.
        #expect(
            PublicKeySet.labels(.week, range: 1_746_057_600..<(1_746_057_600 + 8 * 86_400)) == [
                "2025-04-28", "2025-05-05",
            ]
        )
        let weekIndex: Int64 = (1_746_057_600 / 86_400 + 3) / 7
        #expect(RegionSQL.label(.bucket(.week), .integer(weekIndex), region: "eu") == "2025-04-28")
        #expect(
            PublicKeySet.labels(.month, range: 1_746_057_600..<(1_746_057_600 + 40 * 86_400)) == ["2025-05", "2025-06"]
        )
    }

    @Test func anOpenRangeEndsAtTheQueryTimePlusTheAllowedSkew() throws {
        let text = "SELECT day(ts), COUNT(*) FROM events WHERE ts >= '2025-05-01' GROUP BY day(ts)"
        #expect(try Self.keys(text) == nil)
        let now = CivilTime.parse("2025-05-03")! + 3600
        #expect(try Self.keys(text, now: now) == [["2025-05-01"], ["2025-05-02"], ["2025-05-03"], ["2025-05-04"]])
    }

    @Test func countriesAreTheRegionsOwnNarrowedByTheFilter() throws {
        let all = try #require(try Self.keys("SELECT country, COUNT(DISTINCT subject) FROM subjects GROUP BY country"))
        #expect(all.map { $0[0] } == Self.eu.countries.map(\.rawValue).sorted())
        let listed = try Self.keys(
            "SELECT country, COUNT(*) FROM events WHERE country IN ('de', 'FR', 'US') GROUP BY country"
        )
        #expect(listed == [["DE"], ["FR"]])
    }

    @Test func listedValuesAndCatalogEnumsArePublicAndFreeTextIsNot() throws {
        #expect(try Self.keys("SELECT channel, COUNT(*) FROM events GROUP BY channel") == nil)
        #expect(
            try Self.keys("SELECT channel, COUNT(*) FROM events WHERE channel IN ('email', 'search') GROUP BY channel")
                == [["email"], ["search"]]
        )
        let events = try #require(try Self.keys("SELECT event, COUNT(*) FROM events GROUP BY event"))
        #expect(events.count == Self.catalog.eventField(named: "event")?.values?.count)
        // A cross product, in the query's canonical dimension order.
        let product = try Self.keys(
            "SELECT channel, country, COUNT(*) FROM events WHERE channel = 'email' AND country IN ('DE', 'FR') GROUP BY country, channel"
        )
        #expect(product == [["email", "DE"], ["email", "FR"]])
        // Attribution and A/B keep their own rules.
        #expect(
            try Self.keys(
                "SELECT ATTRIBUTION(last_touch) OF 'purchase' BY channel WITHIN INTERVAL '30 days' FROM events"
            ) == nil
        )
    }

    @Test func tooManyKeysFallBackToSelection() throws {
        let text =
            "SELECT day(ts), event, COUNT(*) FROM events WHERE ts >= '2024-01-01' AND ts < '2025-01-01' GROUP BY day(ts), event"
        #expect(try Self.keys(text) == nil)  // 366 days × 10 events > 2,000
    }

    /// The Chernoff bound on a sum of noises never falls below the exact tail (computed by
    /// convolving the masses), so a merged threshold from it errs on the safe side.
    @Test func theSumTailBoundIsNeverBelowTheExactTail() {
        let noises: [NoiseDistribution] = [
            NoiseCalibration.laplace(epsilon: 0.5, l1Sensitivity: 2),
            NoiseCalibration.laplace(epsilon: 0.5, l1Sensitivity: 3),
            NoiseCalibration.gaussian(rho: 0.02, l2Sensitivity: 2),
        ]
        var sum: [Int64: Double] = [0: 1]
        for noise in noises {
            let support = noise.support(tail: 1e-14)
            var next: [Int64: Double] = [:]
            for (value, mass) in sum {
                for z in -support...support { next[value + z, default: 0] += mass * noise.mass(z) }
            }
            sum = next
        }
        for m: Int64 in [5, 20, 40, 60, 80] {
            let exact = sum.filter { $0.key >= m }.values.reduce(0, +)
            let bound = NoiseDistribution.sumUpperTailBound(noises, m)
            #expect(bound >= exact * (1 - 1e-9), "m = \(m): bound \(bound) < exact \(exact)")
            if exact > 1e-12 {
                #expect(bound <= exact * 50, "m = \(m): bound \(bound) is too loose for exact \(exact)")
            }
        }
        // One noise: the rule is the region's own.
        #expect(
            NoiseDistribution.mergedThreshold([noises[0]], maxGroups: 3, delta: 1e-7)
                == NoiseCalibration.partitionThreshold(noise: noises[0], maxGroups: 3, delta: 1e-7)
        )
    }

    /// Two regions each hold a day's buyers below their own threshold; with public days, the
    /// merged count reaches the merged threshold and the row names every region it adds up.
    @Test func aDaySpreadOverRegionsIsReleasedFromItsMergedCount() throws {
        let fixture = try QueryFixture()
        let text =
            "SELECT day(ts), COUNT(DISTINCT subject) FROM events WHERE ts >= '2025-05-01' AND ts < '2025-05-03' GROUP BY day(ts)"
        let prepared = try fixture.prepare(text)
        let plans = prepared.plans
        #expect(plans.allSatisfy { $0.publicKeys == 2 })
        #expect(prepared.parameters.hasSuffix(";keys=public;noise=pooled"))
        let alone = try #require(plans.first { $0.region == "eu" }).releaseThreshold
        let merged = NoiseDistribution.mergedThreshold(
            plans.map { $0.statistics[0].noise },
            maxGroups: plans[0].maxGroupsPerSubject,
            delta: plans[0].delta
        )
        // Each region holds fewer people than it would release alone; together they pass.
        let perRegion = Int(alone) - 1
        #expect(merged + 2 < 2 * Int64(perRegion), "merged threshold \(merged), region threshold \(alone)")
        try fixture.population("de", count: perRegion, country: "DE")
        try fixture.population("us", count: perRegion, country: "US")
        var released = 0
        for seed in 0..<20 as Range<UInt64> {
            let answer = try fixture.query(text, analyst: "ana\(seed)", seed: seed)
            #expect(answer.rows.allSatisfy { $0.first == .text("2025-05-01") }, "the empty second day stays out")
            guard let index = answer.rows.firstIndex(where: { $0.first == .text("2025-05-01") }) else { continue }
            released += 1
            let regions = try #require(answer.rowRegions?[index])
            #expect(Set(regions.regions) == Set(plans.map(\.region.rawValue)))
            #expect(regions.regionsSuppressed.isEmpty)
        }
        #expect(released >= 15, "released \(released) of 20")
    }
}
