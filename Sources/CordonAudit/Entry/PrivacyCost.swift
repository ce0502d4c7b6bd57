/// The differential-privacy budget a query spent, as an exact integer of micro-epsilon.
///
/// Floats never enter the canonical form: ε = 0.25 is `PrivacyCost(microEpsilon: 250_000)`.
public struct PrivacyCost: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Epsilon × 1,000,000.
    public let microEpsilon: Int64

    /// A cost of `microEpsilon` millionths of epsilon.
    public init(microEpsilon: Int64) {
        self.microEpsilon = microEpsilon
    }

    /// Parses a non-negative decimal epsilon with at most six fractional digits (`"0.25"`).
    public init?(epsilon text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy(\.isASCIIDigit),
            parts.count == 1 || (!parts[1].isEmpty && parts[1].count <= 6 && parts[1].allSatisfy(\.isASCIIDigit)),
            let whole = Int64(parts[0]), whole <= Int64.max / 1_000_000 - 1
        else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        let micro = Int64(fraction + String(repeating: "0", count: 6 - fraction.count)) ?? 0
        microEpsilon = whole * 1_000_000 + micro
    }

    /// Epsilon as a decimal string with trailing zeros removed (`"0.25"`, `"1"`).
    public var description: String {
        let sign = microEpsilon < 0 ? "-" : ""
        let magnitude = microEpsilon.magnitude
        var fraction = String(magnitude % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return sign + String(magnitude / 1_000_000) + (fraction.isEmpty ? "" : "." + fraction)
    }

    public init(from decoder: any Decoder) throws {
        microEpsilon = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(microEpsilon)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
