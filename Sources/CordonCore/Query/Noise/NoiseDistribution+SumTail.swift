import Foundation

extension NoiseDistribution {
    /// The natural log of E[exp(λZ)], or of an upper bound on it, for 0 ≤ λ.
    ///
    /// - Discrete Laplace, P(x) = (1 − t)/(1 + t) · t^|x| with t = exp(−1/b): exactly
    ///   (1 − t)² / ((1 − t·e^λ)(1 − t·e^−λ)), finite for λ < 1/b.
    /// - Discrete Gaussian with parameter σ²: at most exp(λ²σ²/2), because it is subgaussian
    ///   with the continuous Gaussian's constant (Canonne, Kamath and Steinke 2020, Cor. 9).
    func logMomentBound(_ lambda: Double) -> Double {
        switch self {
        case .laplace:
            let t = exp(-1 / scale)
            let up = t * exp(lambda)
            guard up < 1 else { return .infinity }
            return 2 * log1p(-t) - log1p(-up) - log1p(-t * exp(-lambda))
        case .gaussian:
            let sigma = scale
            return lambda * lambda * sigma * sigma / 2
        }
    }

    /// An upper bound on P(Z₁ + … + Zₙ ≥ m) for independent noises (Chernoff: for every
    /// λ > 0 it is at most exp(−λm) · Π E[exp(λZᵢ)]; the bound is minimised over λ). Sound
    /// rather than exact, so a threshold from it errs on the safe side.
    static func sumUpperTailBound(_ noises: [NoiseDistribution], _ m: Int64) -> Double {
        if noises.count == 1 { return noises[0].upperTail(m) }
        guard m > 0 else { return 1 }
        // λ must keep every Laplace moment finite.
        var ceiling = Double.infinity
        for noise in noises { if case .laplace = noise { ceiling = min(ceiling, 1 / noise.scale) } }
        if !ceiling.isFinite {
            let variance = noises.reduce(0) { $0 + $1.scale * $1.scale }
            ceiling = 4 * Double(m) / max(variance, 1e-12)
        }
        func exponent(_ lambda: Double) -> Double {
            -lambda * Double(m) + noises.reduce(0) { $0 + $1.logMomentBound(lambda) }
        }
        // The exponent is convex in λ (a log-moment is convex): ternary search.
        var (low, high) = (0.0, ceiling * (1 - 1e-9))
        for _ in 0..<200 {
            let a = low + (high - low) / 3
            let b = high - (high - low) / 3
            if exponent(a) < exponent(b) { high = b } else { low = a }
        }
        return min(1, exp(exponent((low + high) / 2)))
    }

    /// The release threshold for a count merged from several regions' noisy counts: the
    /// smallest τ with `maxGroups` · P(ΣZ ≥ τ − 1) ≤ δ (the rule of
    /// ``NoiseCalibration/partitionThreshold(noise:maxGroups:delta:)``, on the sum's tail bound).
    static func mergedThreshold(_ noises: [NoiseDistribution], maxGroups: Int, delta: Double) -> Int64 {
        if noises.count == 1 {
            return NoiseCalibration.partitionThreshold(noise: noises[0], maxGroups: maxGroups, delta: delta)
        }
        let target = delta / Double(max(1, maxGroups)) * (1 - 1e-6)
        var (low, high): (Int64, Int64) = (1, 2)
        while sumUpperTailBound(noises, high - 1) > target { (low, high) = (high, high * 2) }
        // Smallest τ in (low, high] whose tail meets the target.
        while low + 1 < high {
            let middle = low + (high - low) / 2
            if sumUpperTailBound(noises, middle - 1) > target { low = middle } else { high = middle }
        }
        return high
    }
}
