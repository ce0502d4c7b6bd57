internal import CSodium

/// Ed25519 signatures (`crypto_sign_*`, RFC 8032): audit checkpoints and erasure receipts.
public enum Ed25519 {
    /// Signature size in bytes.
    public static let signatureByteCount = 64

    /// A signing key, derived from a 32-byte seed kept in guarded memory.
    public struct SigningKey: Sendable, CustomStringConvertible {
        /// The seed: the only secret to store (wrapped) to recreate this key.
        public let seed: SecretKey<SigningSeedRole>
        /// libsodium's 64-byte expanded secret key (seed ‖ public key), guarded.
        private let expanded: SecureBytes
        /// The matching public key.
        public let publicKey: PublicKey

        /// A fresh random signing key.
        public init() {
            try! self.init(seed: SecretKey<SigningSeedRole>())  // a fresh 32-byte seed always fits
        }

        /// The signing key for `seed` (deterministic, RFC 8032 §5.1.5).
        public init(seed: SecretKey<SigningSeedRole>) throws {
            Sodium.ensureReady()
            var publicBytes = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
            expanded = try SecureBytes(count: Int(crypto_sign_SECRETKEYBYTES)) { secret in
                _ = seed.withUnsafeBytes { seedBytes in
                    crypto_sign_seed_keypair(
                        &publicBytes,
                        secret.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        seedBytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    )
                }
            }
            self.seed = seed
            self.publicKey = try PublicKey(rawRepresentation: publicBytes)
        }

        /// The detached signature of `message`.
        public func signature(for message: [UInt8]) -> [UInt8] {
            var signature = [UInt8](repeating: 0, count: Ed25519.signatureByteCount)
            expanded.withUnsafeBytes { secret in
                // crypto_sign_detached cannot fail with a well-formed key; its result is always 0.
                _ = crypto_sign_detached(
                    &signature,
                    nil,
                    message,
                    UInt64(message.count),
                    secret.baseAddress!.assumingMemoryBound(to: UInt8.self)
                )
            }
            return signature
        }

        public var description: String { "<redacted Ed25519 signing key \(publicKey)>" }
    }

    /// A verifying (public) key: 32 bytes, safe to publish.
    public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
        /// Public key size in bytes.
        public static let byteCount = 32
        /// The 32-byte encoding (RFC 8032 §5.1.2).
        public let rawRepresentation: [UInt8]

        /// A public key from its 32-byte encoding.
        public init(rawRepresentation: [UInt8]) throws {
            guard rawRepresentation.count == Self.byteCount else {
                throw CryptoError(.invalidSize, "an Ed25519 public key is 32 bytes, got \(rawRepresentation.count)")
            }
            self.rawRepresentation = rawRepresentation
        }

        /// Whether `signature` is a valid signature of `message` by this key. libsodium
        /// rejects non-canonical encodings and small-order points.
        public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
            Sodium.ensureReady()
            guard signature.count == Ed25519.signatureByteCount else { return false }
            return crypto_sign_verify_detached(signature, message, UInt64(message.count), rawRepresentation) == 0
        }

        /// Lowercase hex of the key.
        public var description: String { Hex.encode(rawRepresentation) }
    }
}
