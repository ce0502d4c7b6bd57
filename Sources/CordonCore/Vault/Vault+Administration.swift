import CordonAudit
public import CordonCrypto

extension Vault {
    /// Rotates the master key (decision 0003), audited first: if the audit trail cannot
    /// record the rotation, nothing is rotated.
    public func rotateMasterKey(
        source: MasterKeySource,
        passphraseParameters: PasswordKDF.Parameters = .moderate,
        context: AccessContext
    ) throws
        -> KeyHierarchy.RotationReport
    {
        try record(context, action: "keys.rotate.master")
        do {
            return try keys.rotateMaster(source: source, passphraseParameters: passphraseParameters).1
        } catch {
            _ = try? record(context, action: "keys.rotate.master", outcome: .error, reason: "\(error)")
            throw error
        }
    }

    /// Adds a KEK version to a keyring and rewraps its data keys, audited first. A region
    /// outside the configuration is refused before anything is written or audited.
    public func rotateKEK(_ id: KeyringID, context: AccessContext) throws -> KeyHierarchy.RotationReport {
        let regions: [RegionID] = if case .region(let region) = id { [RegionID(rawValue: region)] } else { [] }
        for region in regions where configuration.regions[region] == nil {
            throw VaultError(
                .unknownRegion,
                "no region '\(region)'; regions: \(regionIDs.map(\.rawValue).joined(separator: ", "))"
            )
        }
        try record(context, action: "keys.rotate.kek", regions: regions, details: ["keyring": .string(id.description)])
        do {
            return try keys.rotateKEK(id)
        } catch {
            _ = try? record(context, action: "keys.rotate.kek", regions: regions, outcome: .error, reason: "\(error)")
            throw error
        }
    }

    /// Records an administrative action that happened outside the vault (`instance.init`).
    public func recordAdministration(_ action: String, details: [String: String] = [:], context: AccessContext) throws {
        try record(context, action: action, details: details.mapValues { .string($0) })
    }
}
