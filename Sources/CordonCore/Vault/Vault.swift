public import CordonAudit
public import CordonCrypto
public import CordonStore
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
    public let audit: AuditLog
    /// `control.db`: the DSR register, erasure tombstones, tokens and budgets (encrypted like
    /// a region store). Its writes go through ``write(_:context:_:entry:afterAppend:)``.
    public let control: ControlStore
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
    public let pageAlgorithm: PageEncryption.Algorithm
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

    /// What every way into an initialized data directory shares: the directory lock, the
    /// keys, the enabled regions, the audit trail opened with its checkpoint timer off (so
    /// nothing is signed before the caller's checks) and witnessed into `control.db`, which
    /// `openControl` opens — or first puts in place (a restore) — given the control store's
    /// configuration. Any failure abandons the trail unsigned. The anchor checks are the
    /// caller's, and so is starting the checkpoint timer.
    static func assemble(
        dataDirectory: URL,
        configuration: PolicyConfiguration,
        source: MasterKeySource,
        passphraseParameters: PasswordKDF.Parameters,
        auditConfiguration: AuditConfiguration,
        openControl: (URL, CordonStore.Configuration) throws -> ControlStore
    ) throws -> Vault {
        let lock = try DirectoryLock(directory: dataDirectory)
        let keys = try DataDirectory.openKeys(
            at: dataDirectory,
            source: source,
            passphraseParameters: passphraseParameters
        )
        let instance = try InstanceConfiguration.read(from: dataDirectory)
        let configuration = try enabledConfiguration(configuration, instance: instance, dataDirectory: dataDirectory)
        let algorithm = try instance.pageAlgorithm()
        let witness = AuditWitness()
        var auditConfiguration = auditConfiguration
        auditConfiguration.startsCheckpointTimer = false
        auditConfiguration.onCheckpoint = { checkpoint in witness.checkpointSigned(checkpoint) }
        let trail = try openAuditTrail(
            dataDirectory: dataDirectory,
            keys: keys,
            configuration: auditConfiguration,
            create: false
        )
        let control: ControlStore
        do {
            control = try openControl(dataDirectory, try controlConfiguration(keys: keys, algorithm: algorithm))
        } catch {
            trail.log.abandon()
            throw error
        }
        witness.attach(control)
        return Vault(
            dataDirectory: dataDirectory,
            configuration: configuration,
            audit: trail.log,
            control: control,
            keys: keys,
            signingKey: trail.signingKey,
            pseudonymKey: trail.pseudonymKey,
            pageAlgorithm: algorithm,
            witness: witness,
            warnings: keys.warnings + trail.log.openWarnings,
            lock: lock
        )
    }

    /// The audit trail of a data directory with its keys: opened (and verified) when it
    /// exists; created only for `cordon init` (`create`). An initialized directory whose
    /// trail is missing or empty had it deleted: Cordon never starts a new trail over data.
    static func openAuditTrail(
        dataDirectory: URL,
        keys: KeyHierarchy,
        configuration: AuditConfiguration,
        create: Bool
    ) throws -> (log: AuditLog, signingKey: Ed25519.SigningKey, pseudonymKey: AuditPseudonymKey) {
        let auditKeys = try keys.keyring(.audit)
        let signingKey = try Ed25519.SigningKey(
            seed: try auditKeys.dataKey(.auditSigningSeed, as: SigningSeedRole.self)
        )
        let pseudonymKey = try auditKeys.dataKey(.auditPseudonym, as: AuditPseudonymKeyRole.self)
        let directory = dataDirectory.appendingPathComponent("audit")
        let segments = directory.appendingPathComponent("segments")
        if !create && !FileManager.default.fileExists(atPath: segments.path) {
            throw VaultError(
                .auditTrailCut,
                "the audit trail \(directory.path) is missing, but \(dataDirectory.path) is an initialized data directory: the trail was deleted. Restore it from a backup; Cordon never starts a new trail over existing data"
            )
        }
        let log: AuditLog
        do {
            log = try AuditLog.open(
                directory: directory,
                signingKey: signingKey,
                origin: auditOrigin(for: signingKey.publicKey),
                configuration: configuration
            )
        } catch {
            throw VaultError(
                .auditUnavailable,
                "the audit trail in \(dataDirectory.path)/audit cannot be opened: \(error.message); Cordon will not run without it"
            )
        }
        if !create && log.treeSize == 0 {
            log.abandon()
            throw VaultError(
                .auditTrailCut,
                "the audit trail \(directory.path) is empty, but `cordon init` wrote its first entry: the trail was wiped. Restore it from a backup; Cordon never starts a new trail over existing data"
            )
        }
        return (log, signingKey, pseudonymKey)
    }

    /// How `control.db` is opened: sealed under the control keyring's page key.
    static func controlConfiguration(
        keys: KeyHierarchy,
        algorithm: PageEncryption.Algorithm
    ) throws -> CordonStore.Configuration {
        var configuration = CordonStore.Configuration()
        configuration.encryption = PageEncryption(
            key: try keys.keyring(.control).dataKey(.page, as: PageKeyRole.self),
            algorithm: algorithm
        )
        return configuration
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

    /// The checkpoint origin line: stable for a data directory, derived from its audit key.
    static func auditOrigin(for publicKey: Ed25519.PublicKey) -> String {
        "cordon.audit/" + Hex.encode(SHA256.hash(publicKey.rawRepresentation).prefix(8))
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
                AccessContext(actor: "cordon:vault", role: "system"),
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
    static let closeAction = "instance.close"

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

    /// The policy versions in force for `regions`, as recorded in audit entries.
    func policyVersions(_ regions: [RegionID]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: regions.map { ($0.rawValue, configuration.policy(for: $0).version) })
    }

    /// Appends one audit entry; any failure becomes a fail-closed `VaultError`.
    @discardableResult
    func record(
        _ context: AccessContext,
        action: String,
        regions: [RegionID] = [],
        purpose: Purpose? = nil,
        subjects: [SubjectID] = [],
        outcome: AuditOutcome = .ok,
        reason: String? = nil,
        details: [String: AuditDetailValue] = [:]
    ) throws -> AuditReceipt {
        try record(
            context,
            AuditRecord(
                action: action,
                regions: regions,
                purpose: purpose,
                subjects: subjects,
                outcome: outcome,
                reason: reason,
                details: details
            )
        )
    }

    /// Appends `record` as one entry, stamped with the actor, subject pseudonyms and the
    /// policy versions in force; any failure becomes a fail-closed `VaultError`.
    @discardableResult
    func record(_ context: AccessContext, _ record: AuditRecord) throws -> AuditReceipt {
        try recordPendingCorrections()
        return try append(context, record)
    }

    /// ``record(_:_:)`` without appending pending corrections first.
    func append(_ context: AccessContext, _ record: AuditRecord) throws -> AuditReceipt {
        let event = AuditEvent(
            actor: context.actor,
            actorName: context.actorName,
            role: context.role,
            action: record.action,
            regions: record.regions.map(\.rawValue),
            purpose: record.purpose?.rawValue,
            subjects: record.subjects.map(pseudonym),
            outcome: record.outcome,
            reason: record.reason,
            policyVersions: policyVersions(record.regions),
            requestId: context.requestID,
            query: record.query,
            privacyCost: record.privacyCost,
            details: record.details
        )
        do {
            return try audit.append(event)
        } catch {
            throw VaultError(
                .auditUnavailable,
                "the audit trail could not record \(record.action) (\(error.message)); the operation was not performed"
            )
        }
    }

    func addWarning(_ warning: String) {
        openWarnings.withLock { $0.append(warning) }
    }
}
