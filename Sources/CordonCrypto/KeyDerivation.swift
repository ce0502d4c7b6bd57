internal import CSodium

/// Derives independent sub-keys from one key (`crypto_kdf_derive_from_key`, BLAKE2b):
/// for instance a region's page and blind-index keys from its KEK, so only one key per
/// region needs wrapping.
///
/// ```swift
/// let pageKey = try KeyDerivation.deriveKey(PageKeyRole.self, from: kek, id: 1, context: "pagekey_")
/// ```
public enum KeyDerivation {
    /// Size of a derivation context in bytes.
    public static let contextByteCount = 8

    /// The sub-key number `id` of `master` in `context`.
    ///
    /// The same master, id and context always give the same key; changing either gives
    /// an unrelated key. The role is not mixed into the derivation, so give each role its
    /// own context.
    ///
    /// - Parameters:
    ///   - context: Exactly 8 printable ASCII characters naming the purpose
    ///     (libsodium: "similar to a type"), such as `"pagekey_"`.
    /// - Throws: `.invalidInput` when `context` is not 8 printable ASCII characters.
    public static func deriveKey<R: KeyRole, M: KeyRole>(
        _ role: R.Type,
        from master: SecretKey<M>,
        id: UInt64,
        context: String
    ) throws -> SecretKey<R> {
        Sodium.ensureReady()
        let contextBytes = Array(context.utf8)
        guard contextBytes.count == contextByteCount,
            contextBytes.allSatisfy({ (0x20...0x7e).contains($0) })
        else {
            throw CryptoError(
                .invalidInput,
                "a key derivation context is \(contextByteCount) printable ASCII characters"
            )
        }
        let storage = try SecureBytes(count: SecretKey<R>.byteCount) { subkey in
            let result = master.withUnsafeBytes { master in
                contextBytes.withUnsafeBytes { context in
                    crypto_kdf_derive_from_key(
                        bytes(subkey),
                        subkey.count,
                        id,
                        context.baseAddress!.assumingMemoryBound(to: CChar.self),
                        bytes(master)
                    )
                }
            }
            // Fails only for a sub-key size outside 16...64; ours is always 32.
            try Sodium.check(result, or: CryptoError(.invalidSize, "cannot derive a \(R.name) of this size"))
        }
        return SecretKey(storage: storage)
    }
}
