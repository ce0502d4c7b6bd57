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
    /// `control.db`: the DSR register and erasure tombstones (encrypted like a region store).
    public let control: ControlStore
    /// The register of data-subject requests with their legal deadlines.
    public let dsr: DSRRegister
    let keys: KeyHierarchy
    let signingKey: Ed25519.SigningKey
    let pseudonymKey: AuditPseudonymKey
    let stores: Mutex<[RegionID: RegionStore]>
    /// The page AEAD for stores created from now on (`cordon.json`'s `pageCipher`).
    public let pageAlgorithm: PageEncryption.Algorithm
    private let openWarnings: Mutex<[String]>
    /// Held while the vault is open (one process per data directory).
    private let lock: DirectoryLock

    /// Warnings worth showing the operator (torn audit tail truncated, resumed rotation, ...).
    public var warnings: [String] { openWarnings.withLock { $0 } }

    /// Opens an initialized data directory. A wrong master key, a tampered audit trail or
    /// a damaged key file stops here with one clear sentence.
    public static func open(
        dataDirectory: URL,
        configuration: PolicyConfiguration,
        source: MasterKeySource,
        passphraseParameters: PasswordKDF.Parameters = .moderate,
        auditConfiguration: AuditConfiguration = AuditConfiguration()
    ) throws -> Vault {
        let lock = try DirectoryLock(directory: dataDirectory)
        let keys = try DataDirectory.openKeys(
            at: dataDirectory,
            source: source,
            passphraseParameters: passphraseParameters
        )
        let auditKeys = try keys.keyring(.audit)
        let signingKey = try Ed25519.SigningKey(
            seed: try auditKeys.dataKey(.auditSigningSeed, as: SigningSeedRole.self)
        )
        let pseudonymKey = try auditKeys.dataKey(.auditPseudonym, as: AuditPseudonymKeyRole.self)
        let log: AuditLog
        do {
            log = try AuditLog.open(
                directory: dataDirectory.appendingPathComponent("audit"),
                signingKey: signingKey,
                origin: auditOrigin(for: signingKey.publicKey),
                configuration: auditConfiguration
            )
        } catch {
            throw VaultError(
                .auditUnavailable,
                "the audit trail in \(dataDirectory.path)/audit cannot be opened: \(error.message); Cordon will not run without it"
            )
        }
        let pageAlgorithm = try InstanceConfiguration.read(from: dataDirectory).pageAlgorithm()
        var controlConfiguration = CordonStore.Configuration()
        controlConfiguration.encryption = PageEncryption(
            key: try keys.keyring(.control).dataKey(.page, as: PageKeyRole.self),
            algorithm: pageAlgorithm
        )
        let control = try ControlStore.open(dataDirectory: dataDirectory, configuration: controlConfiguration)
        return Vault(
            dataDirectory: dataDirectory,
            configuration: configuration,
            audit: log,
            control: control,
            keys: keys,
            signingKey: signingKey,
            pseudonymKey: pseudonymKey,
            pageAlgorithm: pageAlgorithm,
            warnings: keys.warnings + log.openWarnings,
            lock: lock
        )
    }

    private init(
        dataDirectory: URL,
        configuration: PolicyConfiguration,
        audit: AuditLog,
        control: ControlStore,
        keys: KeyHierarchy,
        signingKey: Ed25519.SigningKey,
        pseudonymKey: AuditPseudonymKey,
        pageAlgorithm: PageEncryption.Algorithm,
        warnings: [String],
        lock: DirectoryLock
    ) {
        self.pageAlgorithm = pageAlgorithm
        self.lock = lock
        self.dataDirectory = dataDirectory
        self.configuration = configuration
        self.audit = audit
        self.control = control
        self.dsr = DSRRegister(store: control, configuration: configuration)
        self.keys = keys
        self.signingKey = signingKey
        self.pseudonymKey = pseudonymKey
        self.stores = Mutex([:])
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
    public func close() throws {
        stores.withLock { $0.removeAll() }
        try audit.close()
    }

    /// The audit pseudonym of a subject: a keyed BLAKE2b of its id, never the id itself, so
    /// the trail holds no personal data and survives erasure unchanged.
    public func pseudonym(_ id: SubjectID) -> String {
        "p-" + Hex.encode(KeyedHash.hash(Array(id.rawValue.utf8), key: pseudonymKey, byteCount: 16))
    }

    /// Regions this instance stores data for, in id order.
    public var regionIDs: [RegionID] { configuration.regions.keys.sorted() }

    /// The store of `region`, opened on first use and checked against its last audited
    /// commit (an older file or a dropped WAL tail is refused, not served).
    public func store(_ id: RegionID) throws -> RegionStore {
        if let store = stores.withLock({ $0[id] }) { return store }
        guard let region = configuration.regions[id] else {
            throw VaultError(
                .unknownRegion,
                "no region '\(id)'; regions: \(regionIDs.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let store = try RegionStore(
            dataDirectory: dataDirectory,
            region: region,
            policy: configuration.policy(for: id),
            keyring: try keys.keyring(.region(id.rawValue)),
            algorithm: pageAlgorithm
        )
        try checkNotRolledBack(store)
        return stores.withLock { opened in
            if let existing = opened[id] { return existing }
            opened[id] = store
            return store
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
        let event = AuditEvent(
            actor: context.actor,
            actorName: context.actorName,
            role: context.role,
            action: action,
            regions: regions.map(\.rawValue),
            purpose: purpose?.rawValue,
            subjects: subjects.map(pseudonym),
            outcome: outcome,
            reason: reason,
            policyVersions: policyVersions(regions),
            requestId: context.requestID,
            details: details
        )
        do {
            return try audit.append(event)
        } catch {
            throw VaultError(
                .auditUnavailable,
                "the audit trail could not record \(action) (\(error.message)); the operation was not performed"
            )
        }
    }

    func addWarning(_ warning: String) {
        openWarnings.withLock { $0.append(warning) }
    }
}
