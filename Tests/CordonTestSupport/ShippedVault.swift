public import CordonAudit
public import CordonCore
import CordonCrypto
public import Foundation

/// The vault fixture every suite builds on: a data directory for the shipped `policies/`
/// and `regions/`, its master key in a key file (or a passphrase at test cost).
public enum ShippedVault {
    /// The configuration shipped in `policies/` and `regions/`, loaded once.
    public static let configuration: PolicyConfiguration = {
        do {
            return try PolicyConfiguration.load(from: TestPackage.root)
        } catch {
            fatalError("the shipped configuration does not load:\n\(error)")
        }
    }()

    /// The master key source of a data directory: `master.key` in it.
    public static func keyFile(in directory: URL) -> MasterKeySource {
        .keyFile(directory.appending(path: "master.key"))
    }

    /// Initializes a data directory at `directory` for every shipped region, deriving a
    /// passphrase's key at test cost.
    @discardableResult
    public static func initialize(at directory: URL, source: MasterKeySource) throws -> DataDirectory.InitReport {
        try DataDirectory.initialize(
            at: directory,
            regions: configuration.regions.keys.map(\.rawValue),
            source: source,
            passphraseParameters: .testing
        )
    }

    /// Opens the vault of an initialized data directory under the shipped configuration.
    public static func open(
        at directory: URL,
        source: MasterKeySource,
        auditConfiguration: AuditConfiguration = AuditConfiguration()
    ) throws -> Vault {
        try Vault.open(
            dataDirectory: directory,
            configuration: configuration,
            source: source,
            auditConfiguration: auditConfiguration
        )
    }
}
