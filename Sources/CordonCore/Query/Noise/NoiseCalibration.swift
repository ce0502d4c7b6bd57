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

    /// Discrete Gaussian with σ² = Δ₂²/(2ρ) is ρ-zCDP for L2 sensitivity Δ₂ (CKS 2020,
    /// Thm 14), and ρ-zCDP implies (ρ + 2√(ρ·ln(1/δ)), δ)-DP (Bun and Steinke 2016,
    /// Prop. 1.3); ρ is the largest that meets ε: √ρ = √(ln(1/δ) + ε) − √(ln(1/δ)).
    static func gaussian(epsilon: Double, delta: Double, l2Sensitivity: Double) -> NoiseDistribution {
        let logInverse = log(1 / delta)
        let rootRho = (logInverse + epsilon).squareRoot() - logInverse.squareRoot()
        let rho = rootRho * rootRho
        let variance = l2Sensitivity * l2Sensitivity / (2 * rho)
        let denominator: UInt64 = variance < 1e9 ? 1_000_000 : 1
        return .gaussian(numerator: UInt64((variance * Double(denominator)).rounded(.up)), denominator: denominator)
    }

    /// The noisy-count threshold for releasing a group key (DP partition selection).
    ///
    /// With discrete Laplace noise of scale b = maxGroups/ε on the distinct-subject count, a
    /// group holding one subject shows a noisy count ≥ τ with probability at most
    /// exp(−(τ−1)/b); a subject reaches at most `maxGroups` groups, so τ = 1 + ⌈b·ln(maxGroups/δ)⌉
    /// bounds the chance that any group only they make appear by δ. Wilson et al.,
    /// "Differentially Private SQL with Bounded User Contribution" (PoPETs 2020), §3;
    /// Desfontaines, Voss, Gipson and Mandayam, "Differentially private partition
    /// selection" (PoPETs 2022).
    static func partitionThreshold(scale: Double, maxGroups: Int, delta: Double) -> Int64 {
        1 + Int64((scale * log(Double(maxGroups) / delta)).rounded(.up))
    }
}
