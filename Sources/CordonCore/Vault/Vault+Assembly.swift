import CordonAudit
import CordonCrypto
import CordonStore
import Foundation

/// How a vault is put together from a data directory: the lock, the keys, the audit
/// trail and `control.db` (``Vault/open(dataDirectory:configuration:source:passphraseParameters:auditConfiguration:)``
/// and the restores use it).
extension Vault {
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

    /// The checkpoint origin line: stable for a data directory, derived from its audit key.
    static func auditOrigin(for publicKey: Ed25519.PublicKey) -> String {
        "cordon.audit/" + Hex.encode(SHA256.hash(publicKey.rawRepresentation).prefix(8))
    }
}
