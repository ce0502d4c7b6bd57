import Foundation
import Testing

@testable import CordonCore

/// A release threshold per query (decision 0014, "Release threshold per query"): the count
/// that selects groups takes only the share of ε that the asked threshold needs, the values
/// the rest — at ε = 1 and δ = 1e-7, on purchases per day (the utility bench's (c)).
@Suite("Release threshold per query")
struct ReleaseThresholdTests {
    let configuration = QueryFixture.configuration(
        epsilon: 1,
        maxGroups: 8,
        maxRows: 5,
        delta: 1e-7,
        minSubjects: 10
    )
    static let purchasesPerDay =
        "SELECT day(ts), COUNT(*) FROM events WHERE event = 'purchase' AND ts >= '2025-03-17' AND country = 'DE' GROUP BY day(ts)"

    func plan(
        _ text: String = Self.purchasesPerDay,
        threshold: Int?,
        mechanism: NoiseMechanism? = nil
    ) throws -> RegionPlan {
        let query = try QueryValidator(catalog: configuration.catalog).validate(try QueryParser.parse(text))
        var options = QueryOptions(mechanism: mechanism, now: QueryFixture.now, releaseThreshold: threshold)
        options.maxGroupsPerSubject = 6
        options.maxRowsPerGroup = 3
        return try #require(try QueryPlanner(configuration: configuration, options: options).plan(query).first)
    }

    /// The threshold the plan's mechanisms give with `share` of ε on the selecting count.
    func threshold(of plan: RegionPlan, share: Double) -> Int64 {
        QueryPlanner.calibrate(
            plan.statistics.map { (name: $0.name, l1: $0.l1Sensitivity, l2: $0.l2Sensitivity) },
            mechanism: plan.mechanism ?? .laplace,
            gaussianSelectingCount: plan.selectionMechanism == .gaussian,
            epsilon: plan.epsilon,
            delta: plan.delta,
            groups: plan.maxGroupsPerSubject,
            minimum: plan.minAggregationSubjects,
            selection: plan.publicKeys == nil,
            selectingShare: share
        ).selectionThreshold
    }

    /// Asking for larger groups than the even split's gives the released count more of ε: its
    /// noise falls, the threshold is at most the one asked for, and the selecting count's
    /// share is the smallest that reaches it. ε still adds up to the query's.
    @Test(arguments: [150, 210, 400])
    func aLargerThresholdLeavesTheValuesMoreOfEpsilon(_ target: Int) throws {
        let even = try plan(threshold: nil)
        let sized = try plan(threshold: target)
        #expect(even.releaseThreshold < Int64(target))
        #expect(sized.releaseThreshold <= Int64(target))
        #expect(sized.releaseThreshold >= Int64(target) - 2, "the bisection lands on the asked size")
        #expect(sized.mechanism == even.mechanism && sized.selectionMechanism == even.selectionMechanism)
        #expect(sized.statistics[1].noise.scale < even.statistics[1].noise.scale)
        #expect(sized.statistics[1].halfWidth95 < even.statistics[1].halfWidth95)
        #expect(abs(sized.statistics.map(\.epsilon).reduce(0, +) - sized.epsilon) < 1e-12)
        let share = sized.statistics[0].epsilon / sized.epsilon
        #expect(share < 0.5)
        #expect(threshold(of: sized, share: share * (1 - 1e-4)) > Int64(target), "a smaller share would do")
        // The Gaussian count's ρ is the one its own ε share allows with the δ selection leaves.
        let rho = try #require(sized.rho)
        #expect(
            NoiseCalibration.zcdpDelta(rho: rho, epsilon: sized.statistics[0].epsilon)
                <= sized.delta - (sized.selectionDelta ?? 0)
        )
    }

    /// Asking for smaller groups gives selection more than half of ε: the threshold falls
    /// to at most the one asked for, and the released count's noise grows.
    @Test func aSmallerThresholdTakesMoreForSelection() throws {
        let even = try plan(threshold: nil)
        let sized = try plan(threshold: 100)
        #expect(even.releaseThreshold > 100 && sized.releaseThreshold <= 100)
        #expect(sized.statistics[0].epsilon > 0.5)
        #expect(sized.statistics[1].noise.scale > even.statistics[1].noise.scale)
    }

    /// A named mechanism is sized the same way; an all-Gaussian plan shares ρ, and the
    /// statistics' ρ still add up to the query's.
    @Test(arguments: [NoiseMechanism.laplace, .gaussian])
    func aNamedMechanismIsSizedToo(_ mechanism: NoiseMechanism) throws {
        let sized = try plan(threshold: 300, mechanism: mechanism)
        #expect(sized.releaseThreshold <= 300 && sized.releaseThreshold >= 298)
        #expect(sized.statistics.allSatisfy { $0.noise.mechanism == mechanism })
        if mechanism == .gaussian {
            let total = try #require(sized.rho)
            let spent = sized.statistics.map { statistic in
                statistic.l2Sensitivity * statistic.l2Sensitivity / (2 * statistic.noise.scale * statistic.noise.scale)
            }
            #expect(spent.reduce(0, +) <= total * (1 + 1e-9))
        } else {
            #expect(abs(sized.statistics.map(\.epsilon).reduce(0, +) - 1) < 1e-12)
        }
    }

    /// What cannot be asked: a threshold below the policy's minimum group size, one the
    /// query's ε cannot reach even with 90% of it on selection (the message names the least),
    /// and any threshold for a query whose only statistic is the selecting count.
    @Test func unreachableThresholdsAreRefusedWithWhatToAskFor() throws {
        let belowMinimum = #expect(throws: QueryError.self) { try plan(threshold: 9) }
        #expect(belowMinimum?.message.contains("below the policy's minimum group size of 10 people") == true)
        let unreachable = #expect(throws: QueryError.self) { try plan(threshold: 40) }
        #expect(unreachable?.code == .invalid)
        #expect(unreachable?.message.contains("below the least this query can have at ε 1") == true)
        let least = try plan(threshold: 400)
        let atMost = threshold(of: least, share: QueryPlanner.maximumSelectingShare)
        #expect(unreachable?.message.contains("\(atMost) people") == true)
        #expect(try plan(threshold: Int(atMost)).releaseThreshold <= atMost)
        let alone = #expect(throws: QueryError.self) {
            try plan(
                "SELECT day(ts), COUNT(DISTINCT subject) FROM events WHERE ts >= '2025-03-17' GROUP BY day(ts)",
                threshold: 200
            )
        }
        #expect(alone?.message.contains("follows from ε alone") == true)
    }

    /// End to end: the threshold is part of the release, so the same query at the same
    /// threshold is answered again for free, and at another threshold is a new release.
    @Test func theThresholdIsPartOfTheRelease() throws {
        let fixture = try QueryFixture(configuration: configuration)
        try fixture.population("s", count: 60)
        let text = "SELECT channel, COUNT(*) FROM events WHERE country = 'DE' GROUP BY channel"
        var options = QueryOptions(now: QueryFixture.now, releaseThreshold: 120)
        let run = {
            try fixture.vault.query(
                text,
                purpose: .analytics,
                analyst: "ana",
                context: fixture.context,
                options: options
            )
        }
        let first = try run()
        #expect(first.privacy.cached == false)
        #expect(first.privacy.regions.allSatisfy { $0.releaseThreshold <= 120 && $0.releaseThreshold >= 118 })
        #expect(try run().privacy.cached == true)
        options.releaseThreshold = 150
        let other = try run()
        #expect(other.privacy.cached == false)
        #expect(other.privacy.regions.allSatisfy { $0.releaseThreshold <= 150 && $0.releaseThreshold > 120 })
        options.releaseThreshold = 5
        #expect(throws: QueryError.self) { try run() }
        let budget = try fixture.vault.budget(analyst: "ana", context: fixture.context, now: QueryFixture.now)
        #expect(budget.regions.first { $0.region == "eu" }?.spent == "2")
    }
}
