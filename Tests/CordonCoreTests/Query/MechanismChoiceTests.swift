import Foundation
import Testing

@testable import CordonCore

/// Which mechanism noises which statistic (decision 0014, "Mixed plans"): a rule of the plan
/// only, checked here on the shapes the utility bench asks about, at ε = 1 and δ = 1e-7.
@Suite("Mechanism choice")
struct MechanismChoiceTests {
    let configuration = QueryFixture.configuration(
        epsilon: 1,
        maxGroups: 8,
        maxRows: 5,
        delta: 1e-7,
        minSubjects: 10
    )

    func plan(_ text: String, groups: Int, rows: Int = 3, mechanism: NoiseMechanism? = nil) throws -> RegionPlan {
        let query = try QueryValidator(catalog: configuration.catalog).validate(try QueryParser.parse(text))
        var options = QueryOptions(mechanism: mechanism, now: QueryFixture.now)
        options.maxGroupsPerSubject = groups
        options.maxRowsPerGroup = rows
        return try #require(try QueryPlanner(configuration: configuration, options: options).plan(query).first)
    }

    /// Purchases per day: the count that selects days is not released, so it takes the
    /// Gaussian (lower threshold) while the released row count keeps Laplace's noise at its
    /// ε share — the noise the all-Laplace plan gives it, with a lower threshold.
    @Test func aCountOfRowsKeepsLaplaceAndSelectsWithTheGaussian() throws {
        let text =
            "SELECT day(ts), COUNT(*) FROM events WHERE event = 'purchase' AND ts >= '2025-03-17' AND country = 'DE' GROUP BY day(ts)"
        let mixed = try plan(text, groups: 6)
        #expect(mixed.mechanism == .laplace && mixed.selectionMechanism == .gaussian)
        #expect(mixed.mechanismSummary == "laplace (gaussian for the count that selects groups)")
        #expect(mixed.statistics.map(\.noise.mechanism) == [.gaussian, .laplace])
        #expect(mixed.statistics[1].noise == NoiseCalibration.laplace(epsilon: 0.5, l1Sensitivity: 18))
        let laplace = try plan(text, groups: 6, mechanism: .laplace)
        #expect(mixed.statistics[1].noise == laplace.statistics[1].noise)
        #expect(mixed.releaseThreshold < laplace.releaseThreshold)
        #expect(mixed.releaseThreshold <= 150, "the issue's target for event-level groupings")
        // Named, the Gaussian noises every statistic.
        let gaussian = try plan(text, groups: 6, mechanism: .gaussian)
        #expect(gaussian.statistics.map(\.noise.mechanism) == [.gaussian, .gaussian])
        #expect(gaussian.selectionMechanism == nil)
    }

    /// The mixed plan composes sequentially: its ε shares add up to the query's ε, and the
    /// Gaussian count's ρ converts to its share with the δ that selection does not take.
    @Test func aMixedPlanSpendsNoMoreThanTheQuerysEpsilonAndDelta() throws {
        for publicKeys in [true, false] {
            let range = publicKeys ? "ts >= '2025-03-17'" : "ts >= '2025-03-17' AND ts < '2025-06-15'"
            let text = "SELECT day(ts), SUM(amount) FROM events WHERE \(range) GROUP BY day(ts)"
            let plan = try plan(text, groups: 6)
            try #require(plan.selectionMechanism == .gaussian)
            #expect(abs(plan.statistics.map(\.epsilon).reduce(0, +) - 1) < 1e-12)
            let rho = try #require(plan.rho)
            let selectionDelta = try #require(plan.selectionDelta)
            #expect(selectionDelta == (plan.publicKeys == nil ? 0.5e-7 : 0))
            #expect(NoiseCalibration.zcdpDelta(rho: rho, epsilon: plan.statistics[0].epsilon) <= 1e-7 - selectionDelta)
            let sigma = plan.statistics[0].noise.scale
            #expect(sigma * sigma >= plan.statistics[0].l2Sensitivity * plan.statistics[0].l2Sensitivity / (2 * rho))
        }
    }

    /// Where the selecting count is itself released, it moves to the Gaussian only for a
    /// quarter off the threshold; a single statistic likewise (all-Gaussian).
    @Test func aReleasedCountMovesToTheGaussianOnlyForAQuarter() throws {
        let byChannel = try plan(
            "SELECT channel, COUNT(DISTINCT subject), SUM(amount) FROM events WHERE country = 'DE' GROUP BY channel",
            groups: 3
        )
        #expect(byChannel.mechanism == .laplace && byChannel.selectionMechanism == nil)
        let peoplePerDay = try plan(
            "SELECT day(ts), COUNT(DISTINCT subject) FROM events WHERE ts >= '2025-03-17' GROUP BY day(ts)",
            groups: 6
        )
        #expect(peoplePerDay.mechanism == .gaussian && peoplePerDay.selectionMechanism == nil)
        let byCountry = try plan("SELECT country, COUNT(*) FROM events GROUP BY country", groups: 1)
        #expect(byCountry.mechanism == .laplace && byCountry.selectionMechanism == nil)
    }
}
