import Foundation

/// One calibrated integer noise distribution: how to sample it exactly, and its exact
/// probability mass (for confidence intervals; floating point is fine there, it never
/// touches a released value).
public enum NoiseDistribution: Sendable, Hashable, Codable {
    /// Discrete Laplace with scale `numerator/denominator`: P(x) ∝ exp(−|x|/scale).
    case laplace(numerator: UInt64, denominator: UInt64)
    /// Discrete Gaussian with σ² = `numerator/denominator`: P(x) ∝ exp(−x²/2σ²).
    case gaussian(numerator: UInt64, denominator: UInt64)

    /// The scale (Laplace) or σ (Gaussian), for display.
    public var scale: Double {
        switch self {
        case .laplace(let n, let d): Double(n) / Double(d)
        case .gaussian(let n, let d): (Double(n) / Double(d)).squareRoot()
        }
    }

    /// The mechanism's name, for answers.
    public var mechanism: NoiseMechanism {
        if case .laplace = self { .laplace } else { .gaussian }
    }

    /// One exact sample.
    public func sample(using random: inout some NoiseRandomness) throws(NoiseError) -> Int64 {
        switch self {
        case .laplace(let n, let d):
            try ExactSampler.discreteLaplace(scaleNumerator: n, scaleDenominator: d, using: &random)
        case .gaussian(let n, let d):
            try ExactSampler.discreteGaussian(
                sigmaSquaredNumerator: UInt128(n),
                denominator: UInt128(d),
                using: &random
            )
        }
    }

    /// P(|Z| ≤ k).
    func centralMass(_ k: Int64) -> Double {
        switch self {
        case .laplace:
            let q = exp(-1 / scale)
            return 1 - 2 * pow(q, Double(k + 1)) / (1 + q)
        case .gaussian:
            let sigma = scale
            if sigma > 20_000 {
                // Midpoint rule; the discrete sum differs from it by far less than 1e-9 here.
                return erf((Double(k) + 0.5) / (sigma * 2.0.squareRoot()))
            }
            let limit = Int64((sigma * 40).rounded(.up)) + 1
            var total = 1.0
            var inside = k >= 0 ? 1.0 : 0.0
            var j: Int64 = 1
            while j <= limit {
                let mass = 2 * exp(-Double(j) * Double(j) / (2 * sigma * sigma))
                total += mass
                if j <= k { inside += mass }
                j += 1
            }
            return inside / total
        }
    }

    /// P(Z = k).
    func mass(_ k: Int64) -> Double {
        let upper = centralMass(abs(k))
        let lower = abs(k) == 0 ? 0 : centralMass(abs(k) - 1)
        return abs(k) == 0 ? upper : (upper - lower) / 2
    }

    /// The smallest k with P(|Z| ≤ k) ≥ `level`: the exact half-width of a `level`
    /// interval around a noisy value (true value = noisy − Z).
    public func halfWidth(level: Double = 0.95) -> Int64 {
        var guess: Int64
        switch self {
        case .laplace:
            let q = exp(-1 / scale)
            guess = max(0, Int64((log((1 - level) * (1 + q) / 2) / log(q)).rounded(.up)) - 1)
        case .gaussian:
            guess = Int64((scale * 1.96).rounded(.down))
        }
        while guess > 0 && centralMass(guess - 1) >= level { guess -= 1 }
        while centralMass(guess) < level { guess += 1 }
        return guess
    }

    /// P(Z ≥ m), accurate in the far tail (where 1 − ``centralMass(_:)`` would cancel).
    func upperTail(_ m: Int64) -> Double {
        if m <= 0 { return 1 - upperTail(1 - m) }
        switch self {
        case .laplace:
            let t = exp(-1 / scale)
            return pow(t, Double(m)) / (1 + t)
        case .gaussian:
            let sigma = scale
            if sigma > 50 {
                // Continuity-corrected normal tail. Beyond σ the kernel is convex, so each
                // mass exp(−k²/2σ²) is below its integral over [k − ½, k + ½]: this is never
                // below the discrete tail (a threshold from it errs on the safe side), and
                // the normalizers agree to 1e-8 (Poisson summation).
                return erfc((Double(m) - 0.5) / (sigma * 2.0.squareRoot())) / 2
            }
            let limit = max(m, Int64((sigma * 40).rounded(.up))) + 1
            var total = 1.0
            var tail = 0.0
            var j: Int64 = 1
            while j <= limit {
                let mass = exp(-Double(j) * Double(j) / (2 * sigma * sigma))
                total += 2 * mass
                if j >= m { tail += mass }
                j += 1
            }
            return tail / total
        }
    }

    /// Where the distribution's mass beyond ±k is below `tail`.
    func support(tail: Double = 1e-10) -> Int64 {
        switch self {
        case .laplace: Int64((scale * -log(tail)).rounded(.up)) + 1
        case .gaussian: Int64((scale * (2 * -log(tail)).squareRoot()).rounded(.up)) + 1
        }
    }
}

/// The integer mechanism an answer's noise comes from.
public enum NoiseMechanism: String, Sendable, Codable, CaseIterable {
    /// Discrete Laplace: pure ε-DP per statistic, L1 sensitivity.
    case laplace
    /// Discrete Gaussian: (ε, δ)-DP via zero-concentrated DP, L2 sensitivity.
    case gaussian
}
