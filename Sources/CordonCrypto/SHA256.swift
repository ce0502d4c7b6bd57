internal import CSodium

/// SHA-256 (`crypto_hash_sha256`), one-shot or incremental.
///
/// The audit trail hashes with it (RFC 9162 Merkle trees use SHA-256).
public struct SHA256: Sendable {
    /// The digest size in bytes.
    public static let byteCount = 32

    private var state = crypto_hash_sha256_state()

    /// Starts a new hash.
    public init() {
        Sodium.ensureReady()
        crypto_hash_sha256_init(&state)
    }

    /// Feeds bytes into the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        crypto_hash_sha256_update(&state, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    /// Feeds bytes into the hash.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Feeds one byte (a domain-separation prefix such as RFC 9162's 0x00 / 0x01).
    public mutating func update(byte: UInt8) {
        withUnsafeBytes(of: byte) { update($0) }
    }

    /// Finishes and returns the 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Self.byteCount)
        crypto_hash_sha256_final(&state, &digest)
        return digest
    }

    /// The SHA-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The SHA-256 digest of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}
