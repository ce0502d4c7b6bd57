import CordonCore

/// A small, fast, seedable pseudo-random generator (SplitMix64, Steele, Lea and Flood,
/// "Fast splittable pseudorandom number generators", OOPSLA 2014) for demo data.
///
/// - Warning: Not cryptographically secure and fully predictable from its seed. It makes
///   reproducible test data only; keys, salts, nonces and tokens come from `SecureRandom`
///   in CordonCrypto.
///
/// It deliberately does not conform to `RandomNumberGenerator`: the standard library's
/// `random(in:using:)` algorithms may change between Swift releases, and a seed must keep
/// producing byte-identical files, so every draw goes through the methods here, which use
/// integer arithmetic (and exact IEEE operations) only.
struct DemoDataRandom {
    /// What a stream is drawn for; each (seed, stream, index) triple is independent, so the
    /// event pass can recompute subject 7's attributes without replaying subjects 0 to 6.
    enum Stream: UInt64 {
        /// A subject's identity: country, names, birth year, consents.
        case identity = 1
        /// A subject's shopping habits: first visit, device, activity weight.
        case activity
        /// Whether a subject line is broken, and how.
        case subjectDefect
        /// A subject's events, and whether each event line is broken.
        case events
        /// Events written when no valid subject exists to reference.
        case orphanEvents
    }

    private var state: UInt64

    /// A generator continuing from `seed`.
    init(seed: UInt64) { state = seed }

    /// The stream for `stream` of record `index` under `seed`.
    init(seed: UInt64, stream: Stream, index: Int) {
        state = Self.mix(seed ^ Self.mix(stream.rawValue << 56 ^ UInt64(truncatingIfNeeded: index)))
    }

    /// SplitMix64's output function: a bijective mix of all 64 bits.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A number in `0..<bound` (Lemire's multiply-high; the bias below 2⁻⁴⁰ is irrelevant here).
    mutating func int(below bound: Int) -> Int {
        precondition(bound > 0, "int(below:) needs a positive bound, got \(bound)")
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A number in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + int(below: range.upperBound - range.lowerBound + 1)
    }

    /// A number in `range`, for timestamps.
    mutating func int64(in range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(int(below: Int(range.upperBound - range.lowerBound + 1)))
    }

    /// True with probability `probability` (clamped to 0...1).
    mutating func chance(_ probability: Double) -> Bool {
        if probability >= 1 { return true }
        if !(probability > 0) { return false }
        return next() < UInt64(probability * 0x1p64)
    }

    /// A uniformly chosen element of a non-empty array.
    mutating func element<Element>(of array: [Element]) -> Element {
        array[int(below: array.count)]
    }
}
