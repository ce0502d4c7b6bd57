/// XChaCha20-Poly1305 (IETF variant, draft-irtf-cfrg-xchacha): the AEAD that seals every
/// piece of PII, every wrapped key and every encrypted page.
///
/// Its 192-bit nonce is large enough to draw at random for every message with no
/// realistic chance of a repeat, so callers never manage nonces.
///
/// ```swift
/// let box = try XChaCha20Poly1305.seal(Array("ada@example.com".utf8), using: dek,
///                                      authenticating: Array("region=eu;subject=42;field=email".utf8))
/// let email = try XChaCha20Poly1305.open(box, using: dek,
///                                        authenticating: Array("region=eu;subject=42;field=email".utf8))
/// ```
public enum XChaCha20Poly1305 {
    /// Key size in bytes.
    public static let keyByteCount = 32
    /// Nonce size in bytes.
    public static let nonceByteCount = 24
    /// Authentication tag size in bytes.
    public static let tagByteCount = 16

    /// Encrypts and authenticates `plaintext` under a fresh random nonce.
    ///
    /// - Parameters:
    ///   - plaintext: The bytes to protect.
    ///   - key: Any role's key; the key's type says what it protects.
    ///   - ad: Associated data: authenticated, not encrypted, not stored in the box. Bind
    ///     the ciphertext to its context (region, subject, field, key version) so it cannot
    ///     be moved elsewhere; `open` must be given the same bytes.
    /// - Returns: A versioned envelope (version ‖ nonce ‖ ciphertext ‖ tag).
    public static func seal<R: KeyRole>(
        _ plaintext: [UInt8],
        using key: SecretKey<R>,
        authenticating ad: [UInt8] = []
    ) throws -> SealedBox {
        try plaintext.withUnsafeBytes { try seal($0, using: key, authenticating: ad) }
    }

    /// Encrypts and authenticates bytes you hold in a buffer, for example a key in guarded
    /// memory, without first copying them into an array.
    public static func seal<R: KeyRole>(
        _ plaintext: UnsafeRawBufferPointer,
        using key: SecretKey<R>,
        authenticating ad: [UInt8] = []
    ) throws -> SealedBox {
        let version = SealedBox.currentVersion
        var combined = [UInt8](repeating: 0, count: SealedBox.overheadByteCount + plaintext.count)
        combined[0] = version
        try combined.withUnsafeMutableBytes { envelope in
            let parts = SealedBox.Layout(byteCount: envelope.count)
            let nonce = UnsafeMutableRawBufferPointer(rebasing: envelope[parts.nonce])
            SecureRandom.fill(nonce)
            try withEnvelopeAD(version: version, ad) { fullAD in
                try seal(
                    plaintext,
                    into: UnsafeMutableRawBufferPointer(rebasing: envelope[parts.ciphertext]),
                    tag: UnsafeMutableRawBufferPointer(rebasing: envelope[parts.tag]),
                    using: key,
                    nonce: UnsafeRawBufferPointer(nonce),
                    authenticating: fullAD
                )
            }
        }
        return SealedBox(validated: combined)
    }

    /// Verifies and decrypts `box`.
    ///
    /// - Throws: `CryptoError` with code `.authenticationFailed` when the key, the
    ///   associated data or any byte of the box is wrong. No plaintext is ever returned
    ///   from a box that does not authenticate.
    public static func open<R: KeyRole>(
        _ box: SealedBox,
        using key: SecretKey<R>,
        authenticating ad: [UInt8] = []
    ) throws -> [UInt8] {
        var plaintext = [UInt8](repeating: 0, count: box.plaintextByteCount)
        try plaintext.withUnsafeMutableBytes { try open(box, using: key, authenticating: ad, into: $0) }
        return plaintext
    }

    /// Verifies and decrypts `box` into a buffer you own, for example guarded memory for
    /// secret material, so the plaintext never sits in an ordinary array.
    ///
    /// - Parameter plaintext: Exactly `box.plaintextByteCount` bytes. On failure it is
    ///   left zeroed.
    public static func open<R: KeyRole>(
        _ box: SealedBox,
        using key: SecretKey<R>,
        authenticating ad: [UInt8] = [],
        into plaintext: UnsafeMutableRawBufferPointer
    ) throws {
        precondition(
            plaintext.count == box.plaintextByteCount,
            "XChaCha20Poly1305.open(into:) needs a \(box.plaintextByteCount)-byte buffer, got \(plaintext.count)"
        )
        try box.combined.withUnsafeBytes { envelope in
            let parts = SealedBox.Layout(byteCount: envelope.count)
            try withEnvelopeAD(version: box.version, ad) { fullAD in
                try open(
                    UnsafeRawBufferPointer(rebasing: envelope[parts.ciphertext]),
                    tag: UnsafeRawBufferPointer(rebasing: envelope[parts.tag]),
                    into: plaintext,
                    using: key,
                    nonce: UnsafeRawBufferPointer(rebasing: envelope[parts.nonce]),
                    authenticating: fullAD
                )
            }
        }
    }

    /// Calls `body` with the associated data actually given to libsodium: the version byte
    /// followed by the caller's bytes. Authenticating the version means a box cannot be
    /// relabelled as another algorithm; its fixed one-byte length keeps the split unambiguous.
    private static func withEnvelopeAD<T>(
        version: UInt8,
        _ ad: [UInt8],
        _ body: (UnsafeRawBufferPointer) throws -> T
    ) rethrows -> T {
        var fullAD = [UInt8]()
        fullAD.reserveCapacity(1 + ad.count)
        fullAD.append(version)
        fullAD.append(contentsOf: ad)
        return try fullAD.withUnsafeBytes(body)
    }
}
