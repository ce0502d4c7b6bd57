internal import CSodium
import Foundation

/// Derives a key from a passphrase with Argon2id (`crypto_pwhash`, RFC 9106), for a
/// master key unlocked by an operator's passphrase.
///
/// ```swift
/// let salt = SecureRandom.bytes(count: PasswordKDF.saltByteCount)  // store with the data
/// let master = try PasswordKDF.deriveKey(MasterKeyRole.self, passphrase: typed, salt: salt,
///                                        parameters: .moderate)
/// ```
public enum PasswordKDF {
    /// Size of a salt in bytes (`crypto_pwhash_SALTBYTES`).
    public static let saltByteCount = Int(crypto_pwhash_saltbytes())

    /// How much work and memory one derivation costs; stored next to the salt so the same
    /// key can be derived again.
    public struct Parameters: Sendable, Codable, Hashable {
        /// Number of Argon2id passes.
        public var opsLimit: UInt64
        /// Memory in bytes.
        public var memLimit: Int

        /// Explicit costs; `deriveKey` refuses values outside libsodium's bounds.
        public init(opsLimit: UInt64, memLimit: Int) {
            self.opsLimit = opsLimit
            self.memLimit = memLimit
        }

        /// libsodium's interactive costs (2 passes, 64 MiB): online unlocks.
        public static let interactive = Parameters(
            opsLimit: UInt64(crypto_pwhash_argon2id_opslimit_interactive()),
            memLimit: crypto_pwhash_argon2id_memlimit_interactive()
        )
        /// libsodium's moderate costs (3 passes, 256 MiB): unlocking a server at start-up.
        public static let moderate = Parameters(
            opsLimit: UInt64(crypto_pwhash_argon2id_opslimit_moderate()),
            memLimit: crypto_pwhash_argon2id_memlimit_moderate()
        )
        /// libsodium's sensitive costs (4 passes, 1 GiB): offline keys.
        public static let sensitive = Parameters(
            opsLimit: UInt64(crypto_pwhash_argon2id_opslimit_sensitive()),
            memLimit: crypto_pwhash_argon2id_memlimit_sensitive()
        )
        /// The smallest costs libsodium accepts (1 pass, 8 KiB).
        ///
        /// - Warning: Offers no resistance to guessing; for tests only.
        public static let testing = Parameters(
            opsLimit: UInt64(crypto_pwhash_argon2id_opslimit_min()),
            memLimit: crypto_pwhash_argon2id_memlimit_min()
        )
    }

    /// The key for `passphrase` and `salt`, derived into guarded memory.
    ///
    /// - Throws: `.invalidInput` for an empty passphrase or parameters outside libsodium's
    ///   bounds; `.invalidSize` for a salt that is not `saltByteCount` bytes;
    ///   `.outOfMemory` when Argon2id cannot allocate `parameters.memLimit` bytes.
    public static func deriveKey<R: KeyRole>(
        _ role: R.Type,
        passphrase: [UInt8],
        salt: [UInt8],
        parameters: Parameters
    ) throws -> SecretKey<R> {
        Sodium.ensureReady()
        guard !passphrase.isEmpty else {
            throw CryptoError(.invalidInput, "a passphrase cannot be empty")
        }
        guard salt.count == saltByteCount else {
            throw CryptoError(.invalidSize, "an Argon2id salt is \(saltByteCount) bytes, got \(salt.count)")
        }
        let opsBounds = UInt64(crypto_pwhash_argon2id_opslimit_min())...UInt64(crypto_pwhash_argon2id_opslimit_max())
        let memBounds = crypto_pwhash_argon2id_memlimit_min()...crypto_pwhash_argon2id_memlimit_max()
        guard opsBounds.contains(parameters.opsLimit), memBounds.contains(parameters.memLimit) else {
            throw CryptoError(.invalidInput, "Argon2id parameters are outside libsodium's bounds")
        }
        let storage = try SecureBytes(count: SecretKey<R>.byteCount) { key in
            let result = passphrase.withUnsafeBytes { passphrase in
                crypto_pwhash(
                    bytes(key),
                    UInt64(key.count),
                    passphrase.baseAddress!.assumingMemoryBound(to: CChar.self),
                    UInt64(passphrase.count),
                    salt,
                    parameters.opsLimit,
                    parameters.memLimit,
                    crypto_pwhash_alg_argon2id13()
                )
            }
            // Every size and bound is checked above; libsodium: "returns -1 if the
            // computation didn't complete, usually because the operating system refused
            // to allocate the amount of requested memory".
            try Sodium.check(
                result,
                or: CryptoError(.outOfMemory, "Argon2id could not allocate \(parameters.memLimit) bytes")
            )
        }
        return SecretKey(storage: storage)
    }

    /// The key for a passphrase typed as text: its UTF-8 bytes after Unicode NFC, so the
    /// same passphrase typed on systems that compose accents differently gives one key.
    ///
    /// The temporary byte copy is zeroed afterwards; the `String` itself cannot be.
    public static func deriveKey<R: KeyRole>(
        _ role: R.Type,
        passphrase: String,
        salt: [UInt8],
        parameters: Parameters
    ) throws -> SecretKey<R> {
        var utf8 = Array(passphrase.precomposedStringWithCanonicalMapping.utf8)
        defer { utf8.withUnsafeMutableBytes { if let base = $0.baseAddress { sodium_memzero(base, $0.count) } } }
        return try deriveKey(role, passphrase: utf8, salt: salt, parameters: parameters)
    }
}
