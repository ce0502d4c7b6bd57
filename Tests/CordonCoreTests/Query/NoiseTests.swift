import Foundation
import Testing

@testable import CordonCore

@Suite("Discrete noise")
struct NoiseTests {
    /// Over 2000 seeded draws the true value lies inside the reported 95% interval
    /// 93–97% of the time, for each mechanism and scale.
    @Test(arguments: [
        NoiseCalibration.laplace(epsilon: 0.5, l1Sensitivity: 4),
        NoiseCalibration.laplace(epsilon: 1, l1Sensitivity: 10),
        NoiseCalibration.gaussian(rho: NoiseCalibration.rho(epsilon: 1, delta: 1e-6), l2Sensitivity: 2),
    ])
    func intervalsCoverTheTruthNinetyFivePercentOfTheTime(_ noise: NoiseDistribution) throws {
        var random = SeededNoiseRandomness(seed: 42)
        let truth: Int64 = 1000
        let width = noise.halfWidth()
        var covered = 0
        for _ in 0..<2000 {
            let value = NoisyValue(truth + (try noise.sample(using: &random)), halfWidth: width)
            if value.covers(Double(truth)) { covered += 1 }
        }
        #expect((1860...1940).contains(covered), "covered \(covered) of 2000")
    }

    @Test func mergedRegionsIntervalsCoverTheTruth() throws {
        let parts = [
            NoiseCalibration.laplace(epsilon: 1, l1Sensitivity: 4),
            NoiseCalibration.laplace(epsilon: 0.5, l1Sensitivity: 4),
        ]
        let width = NoiseDistribution.combinedHalfWidth(parts)
        #expect(width < parts.map { $0.halfWidth() }.reduce(0, +))
        var random = SeededNoiseRandomness(seed: 9)
        var covered = 0
        for _ in 0..<2000 {
            let noise = try parts.map { try $0.sample(using: &random) }.reduce(0, +)
            if abs(noise) <= width { covered += 1 }
        }
        #expect((1860...1940).contains(covered), "covered \(covered) of 2000")
    }

    @Test func discreteLaplaceHasTheRightVariance() throws {
        // Var of discrete Laplace with scale b is 2q/(1−q)², q = e^(−1/b).
        let noise = NoiseDistribution.laplace(numerator: 3, denominator: 1)
        var random = SeededNoiseRandomness(seed: 1)
        let samples = try (0..<20_000).map { _ in Double(try noise.sample(using: &random)) }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)
        let q = exp(-1.0 / 3)
        #expect(abs(mean) < 0.15)
        #expect(abs(variance - 2 * q / ((1 - q) * (1 - q))) < 1.2)
    }

    @Test func discreteGaussianHasTheRightVariance() throws {
        let noise = NoiseDistribution.gaussian(numerator: 16, denominator: 1)
        var random = SeededNoiseRandomness(seed: 2)
        let samples = try (0..<20_000).map { _ in Double(try noise.sample(using: &random)) }
        let variance = samples.map { $0 * $0 }.reduce(0, +) / Double(samples.count)
        #expect(abs(variance - 16) < 1)
    }

    @Test func bernoulliExpIsExactInDistribution() throws {
        var random = SeededNoiseRandomness(seed: 3)
        var hits = 0
        for _ in 0..<20_000 where try ExactSampler.bernoulliExpMinus(3, 2, using: &random) { hits += 1 }
        #expect(abs(Double(hits) / 20_000 - exp(-1.5)) < 0.01)
    }

    /// τ is the smallest threshold with maxGroups · P(Z ≥ τ − 1) ≤ δ, checked against the
    /// discrete tails summed independently here (the Laplace one also in closed form).
    @Test(arguments: [
        NoiseCalibration.laplace(epsilon: 1, l1Sensitivity: 1),
        NoiseCalibration.laplace(epsilon: 0.5, l1Sensitivity: 4),
        NoiseCalibration.gaussian(rho: 0.0072, l2Sensitivity: 2),
        NoiseCalibration.gaussian(rho: 0.05, l2Sensitivity: 1),
    ])
    func partitionThresholdIsTheSmallestThatBoundsAOnePersonGroup(_ noise: NoiseDistribution) {
        let (groups, delta) = (4, 1e-7)
        let tau = NoiseCalibration.partitionThreshold(noise: noise, maxGroups: groups, delta: delta)
        // P(Z ≥ m) by summing the unnormalized mass directly.
        func tail(_ m: Int64) -> Double {
            let weight = { (k: Int64) -> Double in
                switch noise {
                case .laplace: exp(-Double(abs(k)) / noise.scale)
                case .gaussian: exp(-Double(k * k) / (2 * noise.scale * noise.scale))
                }
            }
            let limit = Int64(noise.scale * 60) + 10
            var total = 0.0
            var upper = 0.0
            for k in -limit...limit {
                total += weight(k)
                if k >= m { upper += weight(k) }
            }
            return upper / total
        }
        #expect(Double(groups) * tail(tau - 1) <= delta)
        #expect(Double(groups) * tail(tau - 2) > delta, "τ − 1 would do: τ is not the smallest")
        if case .laplace = noise {
            let t = exp(-1 / noise.scale)
            #expect(abs(tail(tau - 1) - pow(t, Double(tau - 1)) / (1 + t)) < 1e-15)
        }
    }

    /// The targets at ε = 1, δ = 1e-7 with the shipped catalog's bounds: a group over
    /// person-level dimensions is released from 50 people, over event-level ones from 150,
    /// each with probability ≥ 0.5 (the noise is symmetric, so τ people suffice).
    @Test func releaseThresholdsMeetTheTargets() {
        let cases: [(specs: Int, groups: Int, target: Int64)] = [
            (1, 1, 50), (2, 1, 50), (3, 1, 50),  // people by country; buyers and revenue by country
            (2, 3, 150), (3, 3, 150), (2, 6, 150), (3, 6, 150),  // by channel; by day
        ]
        for (count, groups, target) in cases {
            let specs = (0..<count).map { index in
                (name: "s\(index)", l1: Double(groups), l2: Double(groups).squareRoot())
            }
            let best = [NoiseMechanism.laplace, .gaussian].map {
                QueryPlanner.calibrate(specs, mechanism: $0, epsilon: 1, delta: 1e-7, groups: groups, minimum: 10)
                    .releaseThreshold
            }.min()!
            #expect(best <= target, "\(count) statistics over \(groups) groups need \(best) people")
        }
    }

    /// ρ from (ε, δ) by Canonne, Kamath and Steinke's conversion: the published value at
    /// ε = 1, δ = 1e-7 (their `cdp_rho`), never below Bun and Steinke's, and the largest ρ the
    /// bound allows — checked against the bound on an independent grid of α.
    @Test(arguments: [(1.0, 1e-7), (0.5, 5e-8), (0.1, 1e-6), (3.0, 1e-9)])
    func rhoIsTheLargestTheZCDPConversionAllows(_ epsilon: Double, _ delta: Double) {
        let rho = NoiseCalibration.rho(epsilon: epsilon, delta: delta)
        let logInverse = log(1 / delta)
        let bunSteinke = pow((logInverse + epsilon).squareRoot() - logInverse.squareRoot(), 2)
        #expect(rho >= bunSteinke)
        func bound(_ rho: Double) -> Double {
            stride(from: 1.001, through: 2_000, by: 0.001).map { alpha in
                exp((alpha - 1) * (alpha * rho - epsilon) + alpha * log1p(-1 / alpha)) / (alpha - 1)
            }.min()!
        }
        #expect(bound(rho) <= delta * (1 + 1e-3))
        #expect(bound(rho * 1.01) > delta)
        if epsilon == 1 && delta == 1e-7 { #expect(abs(rho - 0.020187) < 0.000001) }
    }

    @Test func budgetPeriodsAreCalendarMonths() {
        let period = BudgetPeriod.containing(1_749_945_600, duration: ISODuration(months: 1))  // 2025-06-15
        #expect(CivilTime.timestampLabel(period.start) == "2025-06-01T00:00:00Z")
        #expect(CivilTime.timestampLabel(period.end) == "2025-07-01T00:00:00Z")
        let quarter = BudgetPeriod.containing(1_749_945_600, duration: ISODuration(months: 3))
        #expect(CivilTime.timestampLabel(quarter.start) == "2025-04-01T00:00:00Z")
        let week = BudgetPeriod.containing(1_749_945_600, duration: ISODuration(days: 7))
        #expect(week.end - week.start == 604_800)
    }
}
