public import CordonAudit
public import CordonCrypto
import CordonStore
public import Foundation
import Synchronization

/// An open data directory: policies, keys, region stores and the audit trail.
///
/// Thread-safe and synchronous (an HTTP server calls it from its own threads). Every
/// operation appends its audit entry before it reports success or returns data; when the
/// entry cannot be made durable the operation fails and nothing is served (fail closed).
///
/// ```swift
/// let vault = try Vault.open(dataDirectory: url, configuration: policies, source: .fromEnvironment(dataDirectory: url))
/// let summary = try vault.ingestSubjects(from: reader, context: .commandLine())
/// ```
public final class Vault: Sendable {
    public let dataDirectory: URL
    public let configuration: PolicyConfiguration
    /// The audit trail: appended to only through ``record(_:_:)``; read from outside the
    /// core through the vault's `audit...` methods (Vault+AuditTrail).
    let audit: AuditLog
    /// `control.db`: the DSR register, erasure tombstones, tokens and budgets (encrypted like
    /// a region store). Its writes go through ``write(_:context:_:entry:afterAppend:)``.
    let control: ControlStore
    /// The register of data-subject requests with their legal deadlines; changed only
    /// through the vault's DSR methods (decision 0009).
    let dsr: DSRRegister
    /// The key hierarchy under the master key in use: replaced when the master key is
    /// rotated, so the vault never wraps or unwraps under a key the files no longer use.
    var keys: KeyHierarchy { keyHierarchy.withLock { $0 } }
    let keyHierarchy: Mutex<KeyHierarchy>
    let signingKey: Ed25519.SigningKey
    let pseudonymKey: AuditPseudonymKey
    let stores: Mutex<[RegionID: RegionStore]>
    /// Regions whose store was found rolled back, missing or damaged when the vault
    /// opened: each refuses its own requests until `cordon store restore` (one broken
    /// region never fails the others).
    let unavailableStores: Mutex<[RegionID: VaultError]>
    /// Entries saying an earlier entry's effect did not happen (an aborted COMMIT, a failed
    /// rotation) that the trail could not take when they were due: appended before any
    /// other entry (``recordPendingCorrections()``).
    let corrections: Mutex<[Correction]>
    /// Keeps the newest signed checkpoint in `control.db`.
    let witness: AuditWitness
    /// The anchor each store reached by this process's own committed writes, stated again
    /// by `instance.close` (``close()``): a confirmation that those writes committed. A
    /// store whose COMMIT failed in this process is left out (the `aborted` entry speaks for it).
    let committedAnchors = Mutex<[AnchoredStore: StoreAnchor]>([:])
    /// Queries being computed now, so an identical one waits instead of paying again (Vault+InFlight).
    let queriesInFlight = InFlightQueries()
    /// Concurrent event-ingest requests' region writes, grouped into shared transactions.
    let ingestCoalescer = IngestCoalescer()
    /// The page AEAD for stores created from now on (`cordon.json`'s `pageCipher`).
    let pageAlgorithm: PageEncryption.Algorithm
    private let openWarnings: Mutex<[String]>
    /// Held while the vault is open (one process per data directory).
    private let lock: DirectoryLock

    /// Warnings worth showing the operator (torn audit tail truncated, resumed rotation, ...).
    public var warnings: [String] { openWarnings.withLock { $0 } }

    /// Opens an initialized data directory. A wrong master key, a tampered or cut audit
    /// trail, a missing or rolled-back `control.db`, or a damaged key file stops here with
    /// one clear sentence. A region store that is rolled back, missing or damaged does not
    /// stop the vault: that region alone refuses requests (``store(_:)``) until it is restored.
    public static func open(
        dataDirectory: URL,
        configuration: PolicyConfiguration,
        source: MasterKeySource,
        passphraseParameters: PasswordKDF.Parameters = .moderate,
        auditConfiguration: AuditConfiguration = AuditConfiguration()
    ) throws -> Vault {
        let vault = try assemble(
            dataDirectory: dataDirectory,
            configuration: configuration,
            source: source,
            passphraseParameters: passphraseParameters,
            auditConfiguration: auditConfiguration
        ) { dataDirectory, controlConfiguration in
            try ControlStore.open(dataDirectory: dataDirectory, configuration: controlConfiguration)
        }
        do {
            try vault.checkAnchors()
        } catch {
            // A trail that does not match the stores must never get a fresh signature.
            vault.audit.abandon()
            throw error
        }
        if auditConfiguration.startsCheckpointTimer { vault.audit.startCheckpointTimer() }
        return vault
    }

    /// A vault over opened parts, without the checks of ``open(dataDirectory:configuration:source:passphraseParameters:auditConfiguration:)``
    /// (which calls it, then checks anchors); also used by ``restoreControl(dataDirectory:configuration:source:from:context:passphraseParameters:auditConfiguration:)``.
    init(
        dataDirectory: URL,
        configuration: PolicyConfiguration,
        audit: AuditLog,
        control: ControlStore,
        keys: KeyHierarchy,
        signingKey: Ed25519.SigningKey,
        pseudonymKey: AuditPseudonymKey,
        pageAlgorithm: PageEncryption.Algorithm,
        witness: AuditWitness,
        warnings: [String],
        lock: DirectoryLock
    ) {
        self.pageAlgorithm = pageAlgorithm
        self.lock = lock
        self.dataDirectory = dataDirectory
        self.configuration = configuration
        self.audit = audit
        self.control = control
        self.dsr = DSRRegister(configuration: configuration)
        self.keyHierarchy = Mutex(keys)
        self.signingKey = signingKey
        self.pseudonymKey = pseudonymKey
        self.witness = witness
        self.stores = Mutex([:])
        self.unavailableStores = Mutex([:])
        self.corrections = Mutex([])
        self.openWarnings = Mutex(warnings)
    }

    /// The public key DPOs verify checkpoints and erasure receipts with.
    public var auditPublicKey: Ed25519.PublicKey { signingKey.publicKey }

    /// Closes the region stores (their connections close once no caller holds them),
    /// flushes a final audit checkpoint and stops accepting appends.
    ///
    /// When this process committed writes, `instance.close` first states the anchor each
    /// store reached: it proves those writes committed, so a store later found one write
    /// behind is a rollback, not a crash between an entry and its COMMIT (decision 0005).
    public func close() throws {
        // Best effort: an aborted write still unrecorded is recovered by the next open.
        try? recordPendingCorrections()
        let confirmed = committedAnchors.withLock { $0 }
        if !confirmed.isEmpty {
            var details: [String: AuditDetailValue] = [:]
            for (target, anchor) in confirmed { details.merge(target.details(anchor)) { _, new in new } }
            _ = try? record(
                AccessContext.system("cordon:vault"),
                AuditRecord(
                    action: Self.closeAction,
                    regions: confirmed.keys.flatMap(\.regions).sorted(),
                    details: details
                )
            )
        }
        let closing = stores.withLock { opened in
            defer { opened.removeAll() }
            return opened
        }
        for store in closing.values { store.close() }
        defer { witness.drain() }  // the final checkpoint's witness, before control.db closes
        try audit.close()
    }

    /// The entry a clean close appends when the process committed writes.
    static let closeAction = AuditAction.instanceClose

    /// The audit pseudonym of a subject: a keyed BLAKE2b of its id, never the id itself, so
    /// the trail holds no personal data and survives erasure unchanged.
    public func pseudonym(_ id: SubjectID) -> String {
        "p-" + Hex.encode(KeyedHash.hash(Array(id.rawValue.utf8), key: pseudonymKey, byteCount: 16))
    }

    /// Regions this instance stores data for, in id order.
    public var regionIDs: [RegionID] { configuration.regions.keys.sorted() }

    /// The store of `region`, opened on first use: a region that has never been written
    /// gets a new empty store; one found rolled back, missing or damaged when the vault
    /// opened throws that finding (``VaultError/Code/storeRolledBack``,
    /// ``VaultError/Code/storeMissing``, ``VaultError/Code/storeCorrupt``).
    public func store(_ id: RegionID) throws -> RegionStore {
        if let store = stores.withLock({ $0[id] }) { return store }
        if let error = unavailableStores.withLock({ $0[id] }) { throw error.naming(id) }
        guard configuration.regions[id] != nil else {
            throw VaultError(
                .unknownRegion,
                "no region '\(id)'; regions: \(regionIDs.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let store = try openStore(id)
        return stores.withLock { opened in
            if let existing = opened[id] { return existing }
            opened[id] = store
            return store
        }
    }

    /// Opens (creating when missing) the store file of a configured region, without any
    /// anchor check; ``checkAnchors()`` and ``store(_:)`` decide whether it may serve.
    func openStore(_ id: RegionID) throws -> RegionStore {
        do {
            return try RegionStore(
                dataDirectory: dataDirectory,
                region: configuration.regions[id]!,
                policy: configuration.policy(for: id),
                keyring: try keys.keyring(.region(id.rawValue)),
                algorithm: pageAlgorithm,
                onFailure: { [weak self] failure in self?.takeOutOfService(id, because: failure) }
            )
        } catch let error as StoreError {
            let failure = VaultError(storing: error, in: .region(id))
            takeOutOfService(id, because: failure)
            throw failure
        }
    }

    func addWarning(_ warning: String) {
        openWarnings.withLock { $0.append(warning) }
    }
}
