import CordonCrypto

/// Where noise gets its random bits: a uniform 64-bit word per call.
///
/// Production uses ``SystemNoiseRandomness`` (libsodium's CSPRNG); tests use
/// ``SeededNoiseRandomness`` so a run can be replayed. Samplers take the source `inout`.
public protocol NoiseRandomness {
    /// A uniform 64-bit word.
    mutating func next64() -> UInt64
}

extension NoiseRandomness {
    /// A uniform integer in `0 ..< bound`, by rejection (unbiased for every bound).
    mutating func uniform(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "uniform(below:) needs a positive bound")
        let threshold = (0 &- bound) % bound
        while true {
            let sample = next64()
            if sample >= threshold { return sample % bound }
        }
    }

    /// A uniform integer in `0 ..< bound` for bounds beyond 64 bits, by rejection over
    /// 128-bit words.
    mutating func uniform(below bound: UInt128) -> UInt128 {
        precondition(bound > 0, "uniform(below:) needs a positive bound")
        if bound <= UInt128(UInt64.max) { return UInt128(uniform(below: UInt64(bound))) }
        let threshold = (0 &- bound) % bound
        while true {
            let sample = UInt128(next64()) << 64 | UInt128(next64())
            if sample >= threshold { return sample % bound }
        }
    }
}

/// libsodium's CSPRNG (`randombytes_buf`, getrandom(2) here): what answers use.
public struct SystemNoiseRandomness: NoiseRandomness, Sendable {
    public init() {}
    public mutating func next64() -> UInt64 { SecureRandom.next64() }
}

/// A deterministic generator (SplitMix64, Steele, Lea and Flood, "Fast splittable
/// pseudorandom number generators", OOPSLA 2014) for reproducible tests only.
///
/// - Warning: predictable; never use it for a released answer.
public struct SeededNoiseRandomness: NoiseRandomness, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
