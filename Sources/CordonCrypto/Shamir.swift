/// Shamir's secret sharing of a key (libgfshare, GF(2^8)): `split` makes `count` shares of
/// which any `threshold` recover the key with `combine`; fewer reveal nothing about it —
/// every value of the key is equally consistent with them (decision 0020).
///
/// ```swift
/// let shares = try Shamir.split(masterKey, count: 5, threshold: 3)
/// let again = try Shamir.combine([shares[0], shares[2], shares[4]], as: MasterKeyRole.self)
/// ```
///
/// `combine` cannot tell a wrong share from a right one: a wrong or foreign share yields a
/// different key, so the caller checks the result (the master key against its id).
public enum Shamir {
    /// The most shares a key can be split into (share numbers are 1...255).
    public static let maximumShareCount = 255

    /// Splits `key` into `count` shares, numbered 1...count, any `threshold` of which
    /// recover it. Each share is in guarded memory.
    public static func split<Role: KeyRole>(
        _ key: SecretKey<Role>,
        count: Int,
        threshold: Int
    ) throws -> [KeyShare] {
        guard (2...maximumShareCount).contains(count) else {
            throw CryptoError(.invalidInput, "the number of shares must be 2 to \(maximumShareCount), got \(count)")
        }
        guard (2...count).contains(threshold) else {
            throw CryptoError(
                .invalidInput,
                "the threshold must be 2 to the number of shares (\(count)), got \(threshold)"
            )
        }
        let numbers = (1...count).map { UInt8($0) }
        let context = try GFShareContext(
            splitting: SecretKey<Role>.byteCount,
            numbers: numbers,
            threshold: UInt8(threshold)
        )
        key.withUnsafeBytes { context.setSecret($0) }
        return try numbers.enumerated().map { index, number in
            KeyShare(
                number: number,
                storage: try SecureBytes(count: context.byteCount) { context.share(at: index, into: $0) }
            )
        }
    }

    /// Recovers a key from shares of one split. Refuses duplicates and shares of the wrong
    /// size; it cannot know the threshold, so fewer shares than it give a wrong key, which
    /// the caller's key check rejects.
    public static func combine<Role: KeyRole>(_ shares: [KeyShare], as role: Role.Type) throws -> SecretKey<Role> {
        guard shares.count >= 2 else {
            throw CryptoError(.invalidInput, "at least 2 shares are needed, got \(shares.count)")
        }
        let numbers = shares.map(\.number)
        if let repeated = numbers.first(where: { number in numbers.filter { $0 == number }.count > 1 }) {
            throw CryptoError(.invalidInput, "share \(repeated) was given twice")
        }
        guard shares.allSatisfy({ $0.storage.count == SecretKey<Role>.byteCount }) else {
            throw CryptoError(.invalidSize, "every share of a \(Role.name) is \(SecretKey<Role>.byteCount) bytes")
        }
        let context = try GFShareContext(combining: SecretKey<Role>.byteCount, numbers: numbers)
        for (index, share) in shares.enumerated() {
            share.storage.withUnsafeBytes { context.give(index, $0) }
        }
        return SecretKey(storage: try SecureBytes(count: context.byteCount) { context.extract(into: $0) })
    }
}
