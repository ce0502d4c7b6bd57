internal import CSodium

/// Keyed BLAKE2b (`crypto_generichash` with a key): a pseudorandom function for values
/// that must be comparable but not reversible, such as audit pseudonyms of subject ids and
/// hashes of API tokens.
///
/// ```swift
/// let pseudonym = KeyedHash.hash(Array(subjectID.utf8), key: auditPseudonymKey)
/// ```
public enum KeyedHash {
    /// The smallest and largest digest sizes BLAKE2b allows.
    public static let byteCountRange = 16...64

    /// The keyed BLAKE2b digest of `message`.
    ///
    /// - Parameters:
    ///   - byteCount: Digest size, 16 to 64 bytes; 32 (the default) gives 128-bit
    ///     collision resistance. Different sizes give unrelated digests.
    /// - Precondition: `byteCount` is in `byteCountRange` (a fixed choice of the caller).
    public static func hash<R: KeyRole>(_ message: [UInt8], key: SecretKey<R>, byteCount: Int = 32) -> [UInt8] {
        message.withUnsafeBytes { message in
            key.withUnsafeBytes { key in blake2b(message, key: key, byteCount: byteCount) }
        }
    }

    /// BLAKE2b of `message`, keyed when `key` is non-empty (16 to 64 bytes); the single
    /// `crypto_generichash` call site, also used by the known-answer tests.
    static func blake2b(_ message: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer, byteCount: Int) -> [UInt8] {
        Sodium.ensureReady()
        precondition(byteCountRange.contains(byteCount), "BLAKE2b digests are 16 to 64 bytes, asked for \(byteCount)")
        precondition(key.isEmpty || (16...64).contains(key.count), "BLAKE2b keys are 16 to 64 bytes, got \(key.count)")
        var digest = [UInt8](repeating: 0, count: byteCount)
        // "The function returns 0 on success, -1 if the output or key length is out of
        // bounds"; both were checked above.
        let result = crypto_generichash(
            &digest,
            byteCount,
            bytes(message),
            UInt64(message.count),
            key.isEmpty ? nil : bytes(key),
            key.count
        )
        precondition(result == 0, "crypto_generichash rejected sizes checked above")
        return digest
    }
}
