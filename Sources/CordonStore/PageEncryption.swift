/// Key material for a page key: exactly ``PageEncryption/keyByteCount`` bytes, handed over
/// only inside `withUnsafeBytes`.
///
/// CordonStore does not depend on CordonCrypto; the region's page key type (a
/// swift-crypto-style `SymmetricKey` wrapper) conforms to this protocol where both
/// modules are visible, usually with an empty extension.
public protocol PageKeyMaterial: Sendable {
    /// Calls `body` with the key bytes, which must not escape it.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

/// How a store encrypts its pages: the page key and the AEAD algorithm.
///
/// Set it as ``Configuration/encryption`` and every byte the connection writes — main
/// database, WAL and rollback journal — is sealed page by page by an encrypting SQLite VFS
/// (`Sources/CSQLiteVFS`). A fresh random nonce per page write and the tag sit in 40
/// reserved bytes at the end of each page; the page number and the database's random id
/// are associated data, so a page cannot be modified, moved or copied from another store.
///
/// The algorithm applies to stores this configuration *creates*: a store records its own
/// in its header and is always read with it, so a store keeps its algorithm until
/// ``reencryptStore(at:from:to:)`` copies it under another one.
///
/// ```swift
/// var configuration = Configuration()
/// configuration.encryption = PageEncryption(key: regionPageKey)
/// let queue = try DatabaseQueue(path: "regions/eu.db", configuration: configuration)
/// ```
///
/// The key is copied into libsodium guarded memory when a connection opens and zeroed
/// when it closes; it never appears in a file name, URI, log line or error.
public struct PageEncryption: Sendable, CustomStringConvertible {
    /// An AEAD for pages.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        /// XChaCha20-Poly1305 (libsodium `crypto_aead_xchacha20poly1305_ietf`), the
        /// default: 192-bit random nonces never collide in practice, however many pages a
        /// key seals, and it runs on every CPU.
        case xChaCha20Poly1305 = "xchacha20-poly1305"

        /// AES-256-GCM (libsodium `crypto_aead_aes256gcm`), on CPUs with AES-NI and CLMUL
        /// only: about 1.75x faster per page here. Its 96-bit random nonces are safe for
        /// about 2^32 seals per key (NIST SP 800-38D §8.3), so pages are never sealed
        /// under the page key itself: each writing session derives a subkey from a random
        /// salt stored in the page and draws a new salt every 2^20 pages
        /// (docs/decisions/0004-encrypted-page-store.md).
        case aes256GCM = "aes-256-gcm"

        /// Whether this CPU can seal and open pages with the algorithm.
        public var isAvailable: Bool {
            switch self {
            case .xChaCha20Poly1305: true
            case .aes256GCM: PageCipherVFS.aes256GCMIsAvailable
            }
        }
    }

    /// Bytes of a page key.
    public static let keyByteCount = 32

    /// Bytes reserved at the end of every page: a 24-byte nonce and a 16-byte tag.
    public static let reserveByteCount: Int32 = 40

    /// The AEAD that seals pages.
    public var algorithm: Algorithm

    /// The page key.
    let key: any PageKeyMaterial

    /// Pages an AES-256-GCM subkey seals before the writer draws a new salt; only tests
    /// lower it (from 2^20), to see subkeys change in a small store.
    var gcmSealsPerSubkey: UInt32? = nil

    /// Encrypts pages under `key`, which must be ``keyByteCount`` bytes.
    public init(key: some PageKeyMaterial, algorithm: Algorithm = .xChaCha20Poly1305) {
        self.key = key
        self.algorithm = algorithm
    }

    /// Names the algorithm, never the key.
    public var description: String { "PageEncryption(\(algorithm), key: <redacted>)" }

    /// The cipher work a connection has done: pages sealed (every page written to the
    /// database, WAL or journal, less those a checkpoint copies verbatim, and every 4 KiB
    /// block written to a temporary file) and pages opened (authenticated, or refused). A
    /// benchmark multiplies them by the cipher's own time per page to see how much of a
    /// load's cost is the cipher's floor. `temporaryFilesOpened` counts the sorter spills,
    /// temporary tables and statement journals the connection opened.
    public struct Activity: Sendable, Equatable {
        public var pagesSealed: UInt64
        public var pagesOpened: UInt64
        public var temporaryFilesOpened: UInt64
    }
}
