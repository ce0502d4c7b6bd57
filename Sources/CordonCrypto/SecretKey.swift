internal import CSodium

/// What a key is for; distinct roles make distinct key types, so a subject DEK can never
/// be passed where a region KEK is expected.
public protocol KeyRole: Sendable {
    /// A short name used in messages (never the key itself).
    static var name: String { get }
}

/// Roles of Cordon's key hierarchy (DESIGN.md, Keys).
public enum MasterKeyRole: KeyRole { public static let name = "master key" }
public enum RegionKEKRole: KeyRole { public static let name = "region KEK" }
public enum SubjectDEKRole: KeyRole { public static let name = "subject DEK" }
public enum PageKeyRole: KeyRole { public static let name = "page key" }
public enum BlindIndexKeyRole: KeyRole { public static let name = "blind-index key" }
public enum AuditPseudonymKeyRole: KeyRole { public static let name = "audit pseudonym key" }
public enum TokenHashKeyRole: KeyRole { public static let name = "token hash key" }
public enum SigningSeedRole: KeyRole { public static let name = "Ed25519 seed" }

/// The key at the root of a data directory; wraps every region KEK.
public typealias MasterKey = SecretKey<MasterKeyRole>
/// A region's key-encryption key; wraps that region's subject DEKs and store keys.
public typealias RegionKEK = SecretKey<RegionKEKRole>
/// A subject's data-encryption key; erasing it crypto-shreds the subject's PII.
public typealias SubjectDEK = SecretKey<SubjectDEKRole>
/// The key of a region's encrypted page store.
public typealias PageKey = SecretKey<PageKeyRole>
/// The key of a region's keyed blind index over identifiers and emails.
public typealias BlindIndexKey = SecretKey<BlindIndexKeyRole>
/// The key that turns subject ids into audit pseudonyms.
public typealias AuditPseudonymKey = SecretKey<AuditPseudonymKeyRole>

/// A 256-bit secret key in guarded memory, typed by its role.
///
/// Bytes are reachable only inside `withUnsafeBytes`, equality is constant-time, and the
/// key prints as `<redacted>`.
public struct SecretKey<Role: KeyRole>: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Every Cordon key is 32 bytes (XChaCha20-Poly1305, BLAKE2b keys, Ed25519 seeds, KDF).
    public static var byteCount: Int { 32 }

    let storage: SecureBytes

    /// A fresh random key from libsodium's CSPRNG.
    public init() {
        do {
            storage = try SecureBytes(randomCount: Self.byteCount)
        } catch {
            // Only allocation failure can land here; there is no safe way to continue.
            fatalError("cannot allocate guarded memory for a \(Role.name): \(error)")
        }
    }

    /// A key from exactly 32 bytes (read from a key file, unwrapped, or derived).
    public init(copying bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count == Self.byteCount else {
            throw CryptoError(.invalidSize, "a \(Role.name) must be \(Self.byteCount) bytes, got \(bytes.count)")
        }
        storage = try SecureBytes(copying: bytes)
    }

    /// A key from exactly 32 bytes held in an array; zero the array yourself afterwards.
    public init(copying bytes: [UInt8]) throws {
        self = try bytes.withUnsafeBytes { try SecretKey(copying: $0) }
    }

    init(storage: SecureBytes) {
        precondition(storage.count == Self.byteCount, "SecretKey storage must be \(Self.byteCount) bytes")
        self.storage = storage
    }

    /// Calls `body` with the key bytes. Do not copy them out of the closure.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes(body)
    }

    /// Constant-time equality.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.storage.constantTimeEquals(rhs.storage)
    }

    public var description: String { "<redacted \(Role.name)>" }
    public var debugDescription: String { description }
}
