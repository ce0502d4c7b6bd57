internal import CSodium

extension XChaCha20Poly1305 {
    /// Encrypts `plaintext` into `ciphertext` under an explicit nonce and writes the tag
    /// separately (`crypto_aead_xchacha20poly1305_ietf_encrypt_detached`): the building
    /// block for fixed-size encrypted pages and for known-answer tests.
    ///
    /// - Parameters:
    ///   - plaintext: The bytes to encrypt.
    ///   - ciphertext: Exactly `plaintext.count` bytes. It may be the very same memory as
    ///     `plaintext` (in-place encryption) but must not partially overlap it.
    ///   - tag: Exactly `tagByteCount` bytes.
    ///   - nonce: `nonceByteCount` bytes.
    ///   - ad: Associated data, authenticated but not encrypted.
    /// - Throws: `.invalidSize` when the nonce is not 24 bytes.
    /// - Warning: A nonce must never be used twice with the same key. A repeat reveals the
    ///   XOR of the two plaintexts and lets anyone who sees both forge messages. Prefer
    ///   `seal(_:using:authenticating:)`, which draws a random nonce; use this only with
    ///   nonces whose uniqueness you can show (random, or a counter made durable before use).
    public static func seal<R: KeyRole>(
        _ plaintext: UnsafeRawBufferPointer,
        into ciphertext: UnsafeMutableRawBufferPointer,
        tag: UnsafeMutableRawBufferPointer,
        using key: SecretKey<R>,
        nonce: UnsafeRawBufferPointer,
        authenticating ad: UnsafeRawBufferPointer
    ) throws {
        Sodium.ensureReady()
        precondition(ciphertext.count == plaintext.count, "ciphertext buffer must match the plaintext size")
        precondition(tag.count == tagByteCount, "tag buffer must be \(tagByteCount) bytes")
        precondition(
            isInPlaceOrDisjoint(UnsafeRawBufferPointer(ciphertext), plaintext),
            "ciphertext may alias plaintext exactly, never partially"
        )
        try checkNonce(nonce)
        let result = key.withUnsafeBytes { key in
            crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
                bytes(ciphertext),
                bytes(tag),
                nil,
                bytes(plaintext),
                UInt64(plaintext.count),
                bytes(ad),
                UInt64(ad.count),
                nil,
                bytes(nonce),
                bytes(key)
            )
        }
        // libsodium documents no failure for well-sized inputs; a failure is still reported.
        try Sodium.check(result, or: CryptoError(.invalidInput, "XChaCha20-Poly1305 encryption failed"))
    }

    /// Verifies `tag` and decrypts `ciphertext` into `plaintext`
    /// (`crypto_aead_xchacha20poly1305_ietf_decrypt_detached`).
    ///
    /// libsodium checks the tag before decrypting anything: "the function returns -1 if
    /// the verification fails", and `plaintext` is then zero-filled, never partial plaintext.
    ///
    /// - Parameters:
    ///   - ciphertext: The encrypted bytes.
    ///   - tag: The 16-byte tag.
    ///   - plaintext: Exactly `ciphertext.count` bytes; may be the same memory as
    ///     `ciphertext` (in-place decryption) but must not partially overlap it.
    /// - Throws: `.invalidSize` for a nonce that is not 24 bytes; `.authenticationFailed`
    ///   for a wrong key, nonce, associated data, tag or ciphertext.
    /// - Warning: Opening with an explicit nonce is only as safe as the sealing side: see
    ///   `seal(_:into:tag:using:nonce:authenticating:)`.
    public static func open<R: KeyRole>(
        _ ciphertext: UnsafeRawBufferPointer,
        tag: UnsafeRawBufferPointer,
        into plaintext: UnsafeMutableRawBufferPointer,
        using key: SecretKey<R>,
        nonce: UnsafeRawBufferPointer,
        authenticating ad: UnsafeRawBufferPointer
    ) throws {
        Sodium.ensureReady()
        precondition(plaintext.count == ciphertext.count, "plaintext buffer must match the ciphertext size")
        precondition(
            isInPlaceOrDisjoint(UnsafeRawBufferPointer(plaintext), ciphertext),
            "plaintext may alias ciphertext exactly, never partially"
        )
        try checkNonce(nonce)
        guard tag.count == tagByteCount else {
            // Stored data decides the tag size, so this is an authentication failure, not a trap.
            if let base = plaintext.baseAddress { sodium_memzero(base, plaintext.count) }
            throw CryptoError(.authenticationFailed, "XChaCha20-Poly1305 tag must be \(tagByteCount) bytes")
        }
        let result = key.withUnsafeBytes { key in
            crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
                bytes(plaintext),
                nil,
                bytes(ciphertext),
                UInt64(ciphertext.count),
                bytes(tag),
                bytes(ad),
                UInt64(ad.count),
                bytes(nonce),
                bytes(key)
            )
        }
        try Sodium.check(
            result,
            or: CryptoError(.authenticationFailed, "sealed data did not authenticate (wrong key, context or data)")
        )
    }

    private static func checkNonce(_ nonce: UnsafeRawBufferPointer) throws {
        guard nonce.count == nonceByteCount else {
            throw CryptoError(
                .invalidSize,
                "an XChaCha20-Poly1305 nonce is \(nonceByteCount) bytes, got \(nonce.count)"
            )
        }
    }

    /// libsodium allows output == input ("c and m can point to the same address") but
    /// not any other overlap.
    private static func isInPlaceOrDisjoint(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard let a0 = a.baseAddress, let b0 = b.baseAddress, a.count > 0, b.count > 0 else { return true }
        return a0 == b0 || a0 + a.count <= b0 || b0 + b.count <= a0
    }
}

/// A raw buffer as libsodium's `unsigned char *`. libsodium declares most pointers
/// nonnull even when their length is zero (and then never reads them), so an empty buffer
/// without storage gets a valid placeholder address.
func bytes(_ buffer: UnsafeRawBufferPointer) -> UnsafePointer<UInt8> {
    buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(emptyBufferAddress)
}

/// A mutable raw buffer as libsodium's `unsigned char *` (see the immutable variant).
func bytes(_ buffer: UnsafeMutableRawBufferPointer) -> UnsafeMutablePointer<UInt8> {
    buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? emptyBufferAddress
}

/// The placeholder for zero-length buffers. nonisolated(unsafe): it is only ever passed
/// with a length of zero, so no thread reads or writes through it.
private nonisolated(unsafe) let emptyBufferAddress = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
