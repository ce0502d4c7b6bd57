import Foundation
import Synchronization

extension NoiseDistribution {
    /// P(Z = k) from the closed form (Laplace) or the normalized Gaussian kernel.
    func pointMass(_ k: Int64, gaussianNormalizer: Double) -> Double {
        switch self {
        case .laplace:
            let q = exp(-1 / scale)
            return (1 - q) / (1 + q) * pow(q, Double(abs(k)))
        case .gaussian:
            let sigma = scale
            return exp(-Double(k) * Double(k) / (2 * sigma * sigma)) / gaussianNormalizer
        }
    }

    /// Σₖ exp(−k²/2σ²); for σ ≥ 1 it equals √(2π)·σ to within 1e-8 relative (Poisson
    /// summation), and it is summed exactly below that.
    var gaussianNormalizer: Double {
        let sigma = scale
        if sigma >= 1 { return (2 * Double.pi).squareRoot() * sigma }
        var total = 1.0
        for j in 1...40 { total += 2 * exp(-Double(j * j) / (2 * sigma * sigma)) }
        return total
    }

    /// The half-width of a `level` interval for the sum of independent noises, one per
    /// region an answer merges.
    ///
    /// Exact when the convolution of the distributions is small enough to compute on the
    /// integers (the usual case for counts); otherwise the convolution of the parts binned
    /// into h-wide bins (about a thousand per part), widened by the m·(h − 1) the binning can
    /// hide: never narrower than the exact half-width, and wider by less than m·h. (A union
    /// bound over the parts, as before, covered 99.5% where 95% was asked.)
    public static func combinedHalfWidth(_ parts: [NoiseDistribution], level: Double = 0.95) -> Int64 {
        guard parts.count > 1 else { return parts.first?.halfWidth(level: level) ?? 0 }
        // A convolution costs up to ~10 ms and every group of an answer repeats the same
        // few (parts, level) pairs, so results are remembered (a pure function of its key).
        let key = HalfWidthKey(parts: parts, level: level)
        if let known = halfWidths.withLock({ $0[key] }) { return known }
        let width = convolvedHalfWidth(parts, level: level)
        halfWidths.withLock { cache in
            if cache.count >= 4_096 { cache.removeAll() }
            cache[key] = width
        }
        return width
    }

    private struct HalfWidthKey: Hashable {
        var parts: [NoiseDistribution]
        var level: Double
    }

    private static let halfWidths = Mutex<[HalfWidthKey: Int64]>([:])

    private static func convolvedHalfWidth(_ parts: [NoiseDistribution], level: Double) -> Int64 {
        let supports = parts.map { $0.support() }
        guard supports.reduce(0, +) <= 4_000, supports.allSatisfy({ $0 <= 2_000 }) else {
            return binnedHalfWidth(parts, supports: supports, level: level)
        }
        var combined: [Double] = [1]  // mass at offset index - radius
        var radius: Int64 = 0
        for (part, support) in zip(parts, supports) {
            let normalizer = part.gaussianNormalizer
            let masses = (-support...support).map { part.pointMass($0, gaussianNormalizer: normalizer) }
            var next = [Double](repeating: 0, count: combined.count + masses.count - 1)
            for (i, a) in combined.enumerated() where a > 0 {
                for (j, b) in masses.enumerated() { next[i + j] += a * b }
            }
            combined = next
            radius += support
        }
        var inside = combined[Int(radius)]
        var k: Int64 = 0
        while inside < level && k < radius {
            k += 1
            inside += combined[Int(radius + k)] + combined[Int(radius - k)]
        }
        return k
    }

    /// ``combinedHalfWidth(_:level:)`` for wide parts. Part i's bin b holds the mass of
    /// Zᵢ ∈ [b·h, b·h + h − 1]; with T the sum of the parts' bin indices,
    /// T·h ≤ ΣZᵢ ≤ T·h + m(h − 1), so P(|ΣZᵢ| ≤ j·h + m(h − 1)) ≥ P(−j − m ≤ T ≤ j) and the
    /// smallest j whose bin mass reaches `level` gives a sound half-width.
    private static func binnedHalfWidth(_ parts: [NoiseDistribution], supports: [Int64], level: Double) -> Int64 {
        let h = max(1, (supports.max() ?? 1) / 1_000)
        let m = Int64(parts.count)
        var combined: [Double] = [1]  // mass of T at index - radius
        var radius: Int64 = 0
        for (part, support) in zip(parts, supports) {
            let bins = support / h + 1
            let masses = (-bins...bins).map { b in max(0, part.upperTail(b * h) - part.upperTail((b + 1) * h)) }
            var next = [Double](repeating: 0, count: combined.count + masses.count - 1)
            for (i, a) in combined.enumerated() where a > 0 {
                for (j, b) in masses.enumerated() { next[i + j] += a * b }
            }
            combined = next
            radius += bins
        }
        let mass = { (t: Int64) -> Double in
            let index = t + radius
            return index >= 0 && index < Int64(combined.count) ? combined[Int(index)] : 0
        }
        // Mass of T in [−j − m, j], grown one j at a time.
        var j: Int64 = 0
        var inside = (-m...0).map(mass).reduce(0, +)
        while inside < level && j < radius + m {
            j += 1
            inside += mass(j) + mass(-j - m)
        }
        return j * h + m * (h - 1)
    }
}
