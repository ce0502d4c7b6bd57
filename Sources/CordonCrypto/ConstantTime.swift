internal import CSodium

/// Comparisons whose running time does not depend on the bytes compared.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes (`sodium_memcmp`); lengths are not secret.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        Sodium.ensureReady()
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { pa in
            b.withUnsafeBytes { pb in sodium_memcmp(pa.baseAddress!, pb.baseAddress!, a.count) == 0 }
        }
    }
}
