/// A keyed pseudo-random order over (subject, group) pairs, so contribution bounding keeps a
/// subject's groups (and conversions) independently of time order or group name.
///
/// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012) over two
/// 64-bit words, keyed per query from the CSPRNG: an analyst cannot predict, and so cannot
/// steer, which of a heavy subject's contributions are kept.
struct ContributionHash: Sendable {
    private let k0: UInt64
    private let k1: UInt64

    init(k0: UInt64, k1: UInt64) {
        self.k0 = k0
        self.k1 = k1
    }

    /// The rank of `(subject, item)`; lower ranks are kept first.
    func rank(_ subject: Int64, _ item: UInt64) -> UInt64 {
        var v0 = k0 ^ 0x736f_6d65_7073_6575
        var v1 = k1 ^ 0x646f_7261_6e64_6f6d
        var v2 = k0 ^ 0x6c79_6765_6e65_7261
        var v3 = k1 ^ 0x7465_6462_7974_6573
        func round() {
            v0 &+= v1
            v1 = v1.rotatedLeft(13)
            v1 ^= v0
            v0 = v0.rotatedLeft(32)
            v2 &+= v3
            v3 = v3.rotatedLeft(16)
            v3 ^= v2
            v0 &+= v3
            v3 = v3.rotatedLeft(21)
            v3 ^= v0
            v2 &+= v1
            v1 = v1.rotatedLeft(17)
            v1 ^= v2
            v2 = v2.rotatedLeft(32)
        }
        for word in [UInt64(bitPattern: subject), item] {
            v3 ^= word
            round()
            round()
            v0 ^= word
        }
        let last: UInt64 = 16 << 56
        v3 ^= last
        round()
        round()
        v0 ^= last
        v2 ^= 0xff
        round()
        round()
        round()
        round()
        return v0 ^ v1 ^ v2 ^ v3
    }

    /// A stable 64-bit digest of a group key (FNV-1a; only its distinctness matters, the
    /// keyed `rank` does the mixing).
    static func digest(_ key: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in key {
            for byte in part.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x0100_0000_01b3
            }
            hash ^= 0x1F
            hash &*= 0x0100_0000_01b3
        }
        return hash
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
