/// Wraps one key under another with XChaCha20-Poly1305 (master → region KEK, region KEK →
/// subject DEK), so keys can be stored next to the data they protect.
///
/// The associated data binds the wrapped key's role, the wrapping key's role and the
/// caller's context, so a wrapped DEK cannot be unwrapped as a KEK, under another role's
/// key, or for another subject or key version.
///
/// ```swift
/// let stored = try KeyWrap.wrap(dek, using: kek, context: Array("eu/kek-3/subject-42".utf8))
/// let dek = try KeyWrap.unwrap(stored, as: SubjectDEKRole.self, using: kek,
///                              context: Array("eu/kek-3/subject-42".utf8))
/// ```
public enum KeyWrap {
    /// Size of a wrapped key: a sealed box around 32 key bytes.
    public static let wrappedByteCount = XChaCha20Poly1305.SealedBox.overheadByteCount + 32

    /// Domain tag of the associated data, so no other use of the AEAD can produce a valid
    /// wrapped key by accident.
    private static let domain = Array("cordon.keywrap.v1".utf8)

    /// Seals `key` under `wrappingKey`.
    ///
    /// - Parameter context: What the key belongs to (region id and KEK version, subject
    ///   id, ...). The same bytes must be given to `unwrap`.
    /// - Returns: `wrappedByteCount` bytes, safe to store.
    public static func wrap<K: KeyRole, W: KeyRole>(
        _ key: SecretKey<K>,
        using wrappingKey: SecretKey<W>,
        context: [UInt8]
    ) throws -> [UInt8] {
        let ad = associatedData(wrapped: K.self, wrapping: W.self, context: context)
        // Sealed straight from guarded memory: the key never sits in an ordinary array.
        return try key.withUnsafeBytes { keyBytes in
            try XChaCha20Poly1305.seal(keyBytes, using: wrappingKey, authenticating: ad).combined
        }
    }

    /// Opens a key wrapped by `wrap(_:using:context:)`, straight into guarded memory.
    ///
    /// - Throws: `.malformedEnvelope` or `.unsupportedVersion` for bytes that are not a
    ///   wrapped key; `.authenticationFailed` for a wrong wrapping key, role or context.
    public static func unwrap<K: KeyRole, W: KeyRole>(
        _ wrapped: [UInt8],
        as role: K.Type,
        using wrappingKey: SecretKey<W>,
        context: [UInt8]
    ) throws -> SecretKey<K> {
        let box = try XChaCha20Poly1305.SealedBox(combined: wrapped)
        guard box.plaintextByteCount == SecretKey<K>.byteCount else {
            throw CryptoError(.malformedEnvelope, "a wrapped \(K.name) must hold \(SecretKey<K>.byteCount) bytes")
        }
        let ad = associatedData(wrapped: K.self, wrapping: W.self, context: context)
        // Decrypt into guarded memory; on failure SecureBytes frees (and zeroes) the buffer.
        let storage = try SecureBytes(count: SecretKey<K>.byteCount) { keyBytes in
            try XChaCha20Poly1305.open(box, using: wrappingKey, authenticating: ad, into: keyBytes)
        }
        return SecretKey(storage: storage)
    }

    /// `domain ‖ 0 ‖ field(wrapped role) ‖ field(wrapping role) ‖ field(context)`, each
    /// field a 4-byte big-endian length then its bytes, so no two inputs encode alike.
    static func associatedData<K: KeyRole, W: KeyRole>(wrapped: K.Type, wrapping: W.Type, context: [UInt8]) -> [UInt8] {
        var ad = domain
        ad.append(0)
        for field in [Array(K.name.utf8), Array(W.name.utf8), context] {
            let length = UInt32(field.count)
            ad.append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) })
            ad.append(contentsOf: field)
        }
        return ad
    }
}
