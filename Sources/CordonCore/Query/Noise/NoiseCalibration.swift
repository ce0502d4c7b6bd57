import Foundation

/// Turns (ε, δ, sensitivity) into a noise distribution.
///
/// Scales are rounded *up* to a rational with six decimals, so the released noise is never
/// smaller than the analysis asks for.
public enum NoiseCalibration {
    /// Discrete Laplace with scale Δ₁/ε is ε-DP for L1 sensitivity Δ₁ (CKS 2020, Thm 12,
    /// the discrete analogue of Dwork, McSherry, Nissim and Smith 2006).
    public static func laplace(epsilon: Double, l1Sensitivity: Double) -> NoiseDistribution {
        let scale = l1Sensitivity / epsilon
        return .laplace(numerator: UInt64((scale * 1_000_000).rounded(.up)), denominator: 1_000_000)
    }

    /// The largest ρ whose ρ-zCDP implies (ε, δ)-DP: ρ-zCDP implies
    /// (ρ + 2√(ρ·ln(1/δ)), δ)-DP (Bun and Steinke 2016, Prop. 1.3), so
    /// √ρ = √(ln(1/δ) + ε) − √(ln(1/δ)).
    static func rho(epsilon: Double, delta: Double) -> Double {
        let logInverse = log(1 / delta)
        let rootRho = (logInverse + epsilon).squareRoot() - logInverse.squareRoot()
        return rootRho * rootRho
    }

    /// Discrete Gaussian with σ² = Δ₂²/(2ρ) is ρ-zCDP for L2 sensitivity Δ₂ (CKS 2020, Thm 14).
    static func gaussian(rho: Double, l2Sensitivity: Double) -> NoiseDistribution {
        let variance = l2Sensitivity * l2Sensitivity / (2 * rho)
        let denominator: UInt64 = variance < 1e9 ? 1_000_000 : 1
        return .gaussian(numerator: UInt64((variance * Double(denominator)).rounded(.up)), denominator: denominator)
    }

    /// The noisy-count threshold for releasing a group key (DP partition selection on the
    /// released subject count itself).
    ///
    /// A group only one person makes has an exact count of 1 and shows a noisy count ≥ τ
    /// with probability P(Z ≥ τ − 1); a person makes at most `maxGroups` groups, so the
    /// smallest τ with `maxGroups` · P(Z ≥ τ − 1) ≤ δ bounds by δ the chance that any group
    /// only they make appears, and every other group's count is protected by the noise
    /// itself. Wilson et al., "Differentially Private SQL with Bounded User Contribution"
    /// (PoPETs 2020), §3; Desfontaines, Voss, Gipson and Mandayam, "Differentially private
    /// partition selection" (PoPETs 2022); for the Gaussian, the thresholding of Google's DP
    /// library and Tumult Analytics. The tail is the exact discrete one (closed form for
    /// Laplace, summed mass for the Gaussian), with a margin of 10⁻⁶ for floating point.
    static func partitionThreshold(noise: NoiseDistribution, maxGroups: Int, delta: Double) -> Int64 {
        let target = delta / Double(max(1, maxGroups)) * (1 - 1e-6)
        switch noise {
        case .laplace:
            // P(Z ≥ m) = t^m / (1 + t), t = exp(−1/b).
            let b = noise.scale
            let t = exp(-1 / b)
            let m = Int64((b * log(1 / (target * (1 + t)))).rounded(.up))
            var threshold = max(1, m + 1)
            while threshold > 1 && noise.upperTail(threshold - 2) <= target { threshold -= 1 }
            while noise.upperTail(threshold - 1) > target { threshold += 1 }
            return threshold
        case .gaussian:
            let sigma = noise.scale
            var threshold = 1 + Int64((sigma * (2 * log(1 / target)).squareRoot()).rounded(.up))
            while threshold > 1 && noise.upperTail(threshold - 2) <= target { threshold -= 1 }
            while noise.upperTail(threshold - 1) > target { threshold += 1 }
            return threshold
        }
    }
}
