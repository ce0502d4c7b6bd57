import CordonCrypto
import CordonStore
public import Foundation
import Synchronization

/// One region's store: its SQLite file, keys and policy. Every subject in it lives under
/// this region's law; nothing in it is ever written to another region's store.
public final class RegionStore: Sendable {
    public let region: Region
    public let policy: Policy
    /// The store's connections: one writer (ingest, DSR, retention, anchors) and read-only
    /// snapshot readers (analyst queries, exports, lookups), decision 0017.
    let pool: DatabasePool
    let keyring: Keyring
    let blindIndex: BlindIndex
    public let evaluator: LawfulBasisEvaluator
    /// The last lawful-basis decisions per purpose (``lawfulSubjects(for:now:profileCutoff:in:)``).
    let lawfulDecisions = Mutex<[Purpose: LawfulSubjects.Decisions]>([:])
    /// Told of every store failure a read or write of this store meets, so the vault can
    /// take a damaged store out of service (``Vault/takeOutOfService(_:because:)``).
    let onFailure: @Sendable (VaultError) -> Void

    /// `<data>/regions/<id>.db`.
    public static func url(for region: RegionID, in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("regions/\(region.rawValue).db")
    }

    /// Opens (creating and migrating when needed) the store of `region`.
    /// Every byte of the file, its WAL and journals is sealed by the encrypting VFS under
    /// the region's current page key (decision 0004).
    /// A new store is sealed with `algorithm`; an existing one keeps its own.
    init(
        dataDirectory: URL,
        region: Region,
        policy: Policy,
        keyring: Keyring,
        algorithm: PageEncryption.Algorithm,
        onFailure: @escaping @Sendable (VaultError) -> Void = { _ in }
    ) throws {
        self.onFailure = onFailure
        self.region = region
        self.policy = policy
        self.keyring = keyring
        self.blindIndex = BlindIndex(key: try keyring.dataKey(.blindIndex, as: BlindIndexKeyRole.self))
        self.evaluator = LawfulBasisEvaluator(policy: policy)
        let path = Self.url(for: region.id, in: dataDirectory).path
        var configuration = Configuration()
        configuration.encryption = try Self.pageEncryption(for: path, keyring: keyring, algorithm: algorithm)
        configuration.cacheSizeKiB = 64 * 1024
        // Large sorts (an analyst's GROUP BY over every event) spill to temporary files,
        // which the page cipher seals: the sorter then fills one buffer per spill instead
        // of making a heap allocation per row (the analyst GROUP BY of `cordon-bench
        // query-latency` is ~12% faster on 1M events, decision 0004), and its memory stays
        // bounded by the page cache instead of growing with the sort.
        configuration.tempStoreMemory = false
        self.pool = try DatabasePool(path: path, configuration: configuration, migrator: RegionSchema.migrator)
    }

    /// Waits for every read and write of the store in progress, then closes its
    /// connections; later calls fail as `storage_unavailable` ("closed ... retry"). Runs
    /// before the file is replaced or re-encrypted, and when the vault closes.
    func close() {
        pool.close()
    }

    /// The page key a store file is sealed under: the newest version for a new file,
    /// otherwise the newest version that opens it. A page-key rotation interrupted before
    /// its atomic rename, or a restored backup from before one, is thereby still readable.
    /// `algorithm` seals a new file; an existing one is read with the algorithm its header records.
    static func pageEncryption(
        for path: String,
        keyring: Keyring,
        algorithm: PageEncryption.Algorithm = .xChaCha20Poly1305
    ) throws -> PageEncryption {
        let versions = keyring.versions(of: .page).reversed()
        guard let newest = versions.first else {
            throw KeyError(.unknownKey, "\(keyring.name) has no page key")
        }
        let newestEncryption = PageEncryption(
            key: try keyring.dataKey(.page, as: PageKeyRole.self, version: newest),
            algorithm: algorithm
        )
        guard FileManager.default.fileExists(atPath: path), versions.count > 1 else { return newestEncryption }
        for version in versions {
            let encryption = PageEncryption(
                key: try keyring.dataKey(.page, as: PageKeyRole.self, version: version),
                algorithm: algorithm
            )
            if StoreVerifier.opens(path: path, with: encryption) { return encryption }
        }
        return newestEncryption  // opening fails with the store's own clear "wrong page key" error
    }

    /// The store's anchor: its commit counter and last batch (decision 0005).
    public func anchor() throws -> StoreAnchor {
        try read { db in try StoreState.anchor(in: db) }
    }

    /// Runs a read-only body against the store, on a reader beside the writer: every
    /// statement in `body` sees one committed snapshot (decision 0017). A store failure (a
    /// page that fails authentication, an I/O error) becomes the ``VaultError`` naming this
    /// region, never a bare `StoreError`: callers tell one region's failure from their own.
    func read<T: Sendable>(_ body: (Connection) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as StoreError {
            throw failure(error)
        }
    }

    /// ``read(_:)`` on the writer, for the short look-ups of a write path (ingest's
    /// subjects and idempotency keys): they wait only for the writer, never behind
    /// analysts' scans holding every reader (decision 0017). Never for a scan.
    func readForWrite<T: Sendable>(_ body: (Connection) throws -> T) throws -> T {
        do {
            return try pool.readFromWriter(body)
        } catch let error as StoreError {
            throw failure(error)
        }
    }

    /// `error` as the vault reports it, after telling ``onFailure``.
    func failure(_ error: StoreError) -> VaultError {
        let failure = VaultError(storing: error, in: .region(region.id))
        onFailure(failure)
        return failure
    }

    // MARK: Blind indexes

    func externalIndex(_ externalID: String) throws -> [UInt8] {
        try blindIndex.index(identifier: externalID)
    }

    /// The index of an identifier normalized once by the caller (ingest checks every
    /// region for the same identifier).
    func externalIndex(normalized: String) -> [UInt8] {
        blindIndex.index(normalizedIdentifier: normalized)
    }

    func emailIndex(_ email: String) throws -> [UInt8] {
        try blindIndex.index(email: email)
    }

    // MARK: Sealing PII

    /// Associated data of a subject's PII envelope: region and subject id, so an envelope
    /// copied to another row or region does not open.
    func piiContext(_ id: SubjectID) -> [UInt8] {
        Array("cordon/pii/\(region.id.rawValue)/\(id.rawValue)".utf8)
    }

    /// Seals a subject's PII fields as one JSON envelope. The JSON plaintext is sealed from
    /// its own buffer and zeroed before it is freed (``SecureMemory``).
    func seal(_ pii: [String: String], for id: SubjectID, using dek: SubjectDEK) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var json = try encoder.encode(pii)
        defer { SecureMemory.zero(&json) }
        return try json.withUnsafeBytes { plaintext in
            try XChaCha20Poly1305.seal(plaintext, using: dek, authenticating: piiContext(id)).combined
        }
    }

    /// Opens a subject's PII envelope. The decrypted JSON lives only in a buffer that is
    /// zeroed before it is freed; the returned strings are Swift's own copies, which no API
    /// can zero — callers keep them no longer than the request that needs them.
    func unseal(_ sealed: [UInt8], for id: SubjectID, using dek: SubjectDEK) throws -> [String: String] {
        do {
            return try XChaCha20Poly1305.open(
                XChaCha20Poly1305.SealedBox(combined: sealed),
                using: dek,
                authenticating: piiContext(id)
            ) { plaintext in
                guard let base = plaintext.baseAddress else { return [:] }
                // Decoded in place: no Data copy of the plaintext is made.
                let json = Data(
                    bytesNoCopy: UnsafeMutableRawPointer(mutating: base),
                    count: plaintext.count,
                    deallocator: .none
                )
                return try JSONDecoder().decode([String: String].self, from: json)
            }
        } catch {
            throw VaultError(
                .corrupt,
                "the sealed PII of subject \(id) in region \(region.id) does not open (\(error))",
                underlying: error
            )
        }
    }
}
