internal import CSodium

/// Randomness from libsodium's CSPRNG (`randombytes_*`, the kernel's getrandom(2) here).
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(count: Int) -> [UInt8] {
        Sodium.ensureReady()
        var bytes = [UInt8](repeating: 0, count: count)
        if count > 0 { randombytes_buf(&bytes, count) }
        return bytes
    }

    /// Fills `buffer` with random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        Sodium.ensureReady()
        if let base = buffer.baseAddress, buffer.count > 0 { randombytes_buf(base, buffer.count) }
    }

    /// A uniform integer in `0 ..< upperBound` (`randombytes_uniform`, which rejects
    /// samples to avoid modulo bias).
    public static func uniform(below upperBound: UInt32) -> UInt32 {
        Sodium.ensureReady()
        precondition(upperBound > 0, "uniform(below:) needs a positive bound")
        return randombytes_uniform(upperBound)
    }

    /// A uniform integer in `0 ..< upperBound`, by rejection sampling over 64-bit words
    /// (unbiased for every bound).
    public static func uniform(below upperBound: UInt64) -> UInt64 {
        precondition(upperBound > 0, "uniform(below:) needs a positive bound")
        // Reject the low `2^64 mod upperBound` values so every residue is equally likely.
        let threshold = (0 &- upperBound) % upperBound
        while true {
            let sample = next64()
            if sample >= threshold { return sample % upperBound }
        }
    }

    /// A uniform 64-bit word.
    public static func next64() -> UInt64 {
        Sodium.ensureReady()
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { randombytes_buf($0.baseAddress!, 8) }
        return word
    }

    /// A fair coin with probability `numerator / denominator` of `true`, exactly (no floats).
    public static func bernoulli(numerator: UInt64, denominator: UInt64) -> Bool {
        precondition(denominator > 0 && numerator <= denominator, "bernoulli needs 0 ≤ n ≤ d, d > 0")
        return uniform(below: denominator) < numerator
    }
}

extension SecureRandom {
    /// A random identifier of `byteCount` bytes (16 by default: 128 bits, like a v4 UUID
    /// without its fixed version bits), for request ids and similar handles.
    public static func randomID(byteCount: Int = 16) -> [UInt8] {
        bytes(count: byteCount)
    }
}
