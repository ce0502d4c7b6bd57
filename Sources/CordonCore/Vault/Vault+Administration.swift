import CordonAudit
public import CordonCrypto
import CordonStore
import Foundation
import Synchronization

extension Vault {
    /// Rotates the master key (decision 0003), audited first: if the audit trail cannot
    /// record the rotation, nothing is rotated.
    ///
    /// A rotation that fails part way (a full or failing disk) may leave a pending key that
    /// already wraps some keyrings; it is finished by the next command that opens the data
    /// directory, or by the next rotation. The `outcome: error` entry says which
    /// (`effect`: `none`, `pending` or `applied`), so the trail never denies a rotation that
    /// did take effect. The vault uses the new key from then on.
    /// - Throws: ``VaultError`` (`storage_full`, `storage_unavailable`), ``KeyError``.
    public func rotateMasterKey(
        source: MasterKeySource,
        passphraseParameters: PasswordKDF.Parameters = .moderate,
        context: AccessContext
    ) throws
        -> KeyHierarchy.RotationReport
    {
        try record(context, action: .keysRotateMaster)
        let before = keys.masterKeyID
        do {
            let (rotated, report) = try keys.rotateMaster(source: source, passphraseParameters: passphraseParameters)
            keyHierarchy.withLock { $0 = rotated }
            return report
        } catch {
            let pending = FileManager.default.fileExists(atPath: source.pendingURL(dataDirectory: dataDirectory).path)
            let recorded = (try? InstanceConfiguration.read(from: dataDirectory))?.masterKey.id
            let effect =
                pending
                ? "pending: finished by the next command that opens the data directory"
                : recorded != before ? "applied" : "none"
            recordCorrection(
                AuditRecord(
                    action: .keysRotateMaster,
                    outcome: .error,
                    reason: "\(error)",
                    details: ["effect": .string(effect)]
                ),
                context: context
            )
            throw VaultError.administrative(error, while: "rotating the master key", in: .control)
        }
    }

    /// Adds a KEK version to a keyring and rewraps its data keys, audited first. A region
    /// outside the configuration is refused before anything is written or audited.
    ///
    /// If the keyring file was replaced but could not be made durable (its directory's
    /// fsync failed), the new KEK is in use: the `outcome: error` entry says `effect: applied`.
    /// - Throws: ``VaultError`` (`storage_full`, `storage_unavailable`, `unknown_region`), ``KeyError``.
    public func rotateKEK(_ id: KeyringID, context: AccessContext) throws -> KeyHierarchy.RotationReport {
        let regions: [RegionID] = if case .region(let region) = id { [RegionID(rawValue: region)] } else { [] }
        for region in regions where configuration.regions[region] == nil {
            throw VaultError(
                .unknownRegion,
                "no region '\(region)'; regions: \(regionIDs.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let before = try keys.keyring(id).kekVersions
        // The version it creates, so the claim can be checked against the keyring.
        let details: [String: AuditDetailValue] = [
            "keyring": .string(id.description), "kekVersion": .integer(Int64((before.last ?? 0) + 1)),
        ]
        try record(context, action: .keysRotateKek, regions: regions, details: details)
        do {
            return try keys.rotateKEK(id)
        } catch {
            let applied = ((try? keys.keyring(id).kekVersions) ?? before) != before
            recordCorrection(
                AuditRecord(
                    action: .keysRotateKek,
                    regions: regions,
                    outcome: .error,
                    reason: "\(error)",
                    details: details.merging(["effect": .string(applied ? "applied" : "none")]) { $1 }
                ),
                context: context
            )
            throw VaultError.administrative(
                error,
                while: "rotating the KEK of \(id)",
                in: regions.first.map(AnchoredStore.region) ?? .control
            )
        }
    }

    /// Records an administrative action that happened outside the vault (`instance.init`).
    public func recordAdministration(
        _ action: AuditAction,
        details: [String: String] = [:],
        context: AccessContext
    ) throws {
        try record(context, action: action, details: details.mapValues { .string($0) })
    }
}
