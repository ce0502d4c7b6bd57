public import CordonCore
public import Foundation

/// What an unsealed server serves from: the open vault, its token register, and the
/// policy files as shipped (served verbatim by `GET /v1/policies/{id}`).
public struct VaultSession: Sendable {
    public let vault: Vault
    public let tokens: TokenRegistry
    /// The JSON text of each policy file, by policy id.
    let policyDocuments: [PolicyID: [UInt8]]

    /// A session over an open vault; `configDirectory` holds `policies/`.
    public init(vault: Vault, configDirectory: URL?) throws {
        self.vault = vault
        self.tokens = try vault.tokenRegistry()
        var documents: [PolicyID: [UInt8]] = [:]
        if let configDirectory {
            for id in vault.configuration.policies.keys {
                let url = configDirectory.appendingPathComponent("policies").appendingPathComponent(
                    "\(id.rawValue).json"
                )
                if let data = FileManager.default.contents(atPath: url.path) { documents[id] = Array(data) }
            }
        }
        self.policyDocuments = documents
    }
}
