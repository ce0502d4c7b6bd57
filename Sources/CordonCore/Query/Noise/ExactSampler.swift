/// Exact samplers for the discrete Laplace and discrete Gaussian distributions, using only
/// integer and rational arithmetic on uniform random integers.
///
/// Algorithms 1–3 of Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential
/// Privacy" (NeurIPS 2020, arXiv:2004.00010). No floating point touches a sample, so the
/// attack on floating-point Laplace noise (Mironov, "On Significance of the Least
/// Significant Bits for Differential Privacy", CCS 2012) does not apply.
enum ExactSampler {
    /// Bernoulli(numerator / denominator), exactly.
    static func bernoulli(
        _ numerator: UInt128,
        _ denominator: UInt128,
        using random: inout some NoiseRandomness
    ) -> Bool {
        random.uniform(below: denominator) < numerator
    }

    /// Bernoulli(exp(−numerator/denominator)) for a non-negative rational (CKS 2020, Alg. 1).
    static func bernoulliExpMinus(
        _ numerator: UInt128,
        _ denominator: UInt128,
        using random: inout some NoiseRandomness
    ) throws(NoiseError) -> Bool {
        guard numerator > denominator else {
            // γ ∈ [0, 1]: K ← 1; while Bernoulli(γ/K) { K ← K + 1 }; return K odd.
            var k: UInt128 = 1
            while true {
                let (scaled, overflow) = denominator.multipliedReportingOverflow(by: k)
                guard !overflow else { throw NoiseError.parameterTooLarge }
                if !bernoulli(numerator, scaled, using: &random) { break }
                k += 1
            }
            return k % 2 == 1
        }
        // γ > 1: ⌊γ⌋ independent Bernoulli(exp(−1)), then Bernoulli(exp(−(γ − ⌊γ⌋))).
        var whole = numerator / denominator
        while whole > 0 {
            if !(try bernoulliExpMinus(1, 1, using: &random)) { return false }
            whole -= 1
        }
        return try bernoulliExpMinus(numerator % denominator, denominator, using: &random)
    }

    /// A sample of the discrete Laplace distribution with scale `t/s`, P(x) ∝ exp(−|x|·s/t)
    /// (CKS 2020, Alg. 2).
    static func discreteLaplace(
        scaleNumerator t: UInt64,
        scaleDenominator s: UInt64,
        using random: inout some NoiseRandomness
    )
        throws(NoiseError) -> Int64
    {
        precondition(t > 0 && s > 0, "discrete Laplace needs a positive scale")
        while true {
            let u = random.uniform(below: t)
            guard try bernoulliExpMinus(UInt128(u), UInt128(t), using: &random) else { continue }
            var v: UInt64 = 0
            while try bernoulliExpMinus(1, 1, using: &random) { v += 1 }
            let (tv, overflow1) = t.multipliedReportingOverflow(by: v)
            let (x, overflow2) = u.addingReportingOverflow(tv)
            guard !overflow1, !overflow2 else { throw NoiseError.parameterTooLarge }
            let y = x / s
            let negative = bernoulli(1, 2, using: &random)
            if negative && y == 0 { continue }
            guard y <= UInt64(Int64.max) else { throw NoiseError.parameterTooLarge }
            return negative ? -Int64(y) : Int64(y)
        }
    }

    /// A sample of the discrete Gaussian with variance parameter σ² = `numerator/denominator`,
    /// P(x) ∝ exp(−x²/2σ²) (CKS 2020, Alg. 3: discrete Laplace proposals with scale
    /// t = ⌊σ⌋ + 1, accepted with probability exp(−(|Y| − σ²/t)² / 2σ²)).
    static func discreteGaussian(
        sigmaSquaredNumerator numerator: UInt128,
        denominator: UInt128,
        using random: inout some NoiseRandomness
    ) throws(NoiseError) -> Int64 {
        precondition(numerator > 0 && denominator > 0, "discrete Gaussian needs a positive variance")
        let t = squareRoot(numerator / denominator) + 1
        guard t <= UInt128(UInt64.max) else { throw NoiseError.parameterTooLarge }
        while true {
            let y = try discreteLaplace(scaleNumerator: UInt64(t), scaleDenominator: 1, using: &random)
            // γ = (|Y|·t·den − num)² / (2·num·t²·den)
            let (a1, o1) = UInt128(y.magnitude).multipliedReportingOverflow(by: t)
            let (a, o2) = a1.multipliedReportingOverflow(by: denominator)
            let difference = a > numerator ? a - numerator : numerator - a
            let (top, o3) = difference.multipliedReportingOverflow(by: difference)
            let (twice, o4) = numerator.multipliedReportingOverflow(by: 2)
            let (tSquared, o5) = t.multipliedReportingOverflow(by: t)
            let (b1, o6) = twice.multipliedReportingOverflow(by: tSquared)
            let (bottom, o7) = b1.multipliedReportingOverflow(by: denominator)
            guard !(o1 || o2 || o3 || o4 || o5 || o6 || o7) else { throw NoiseError.parameterTooLarge }
            if try bernoulliExpMinus(top, bottom, using: &random) { return y }
        }
    }

    /// ⌊√n⌋ by Newton's method on integers.
    static func squareRoot(_ n: UInt128) -> UInt128 {
        guard n > 1 else { return n }
        var x = n
        var y = (x + 1) / 2
        while y < x {
            x = y
            y = (x + n / x) / 2
        }
        return x
    }
}

/// A noise parameter outside what the exact samplers can represent (a scale beyond 64-bit
/// arithmetic); the query is refused rather than noised approximately.
public enum NoiseError: Error, Sendable {
    case parameterTooLarge
}
