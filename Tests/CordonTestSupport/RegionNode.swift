public import CordonCore
import CordonCrypto
public import CordonServer
public import Foundation
import Synchronization

/// One region node for tests (decision 0024): a data directory initialized for `regions`
/// only, its vault served by libmicrohttpd on a loopback port, knowing the `peers` it is
/// given, with an ingest, a DPO and an analyst token for every region.
public final class RegionNode: Sendable {
    public let directory: URL
    public let api: CordonAPI
    public let host: MicroHTTPDHost
    /// Token secrets by label: `ingest`, `dpo`, `analyst`, `coordinator`.
    public let tokens: [String: String]
    private let stopped = Mutex(false)

    /// The node's base URL, `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(host.port)" }

    public var vault: Vault { api.slot.session!.vault }

    /// `served` narrows the regions served, as `cordon serve --regions` does (default: all held).
    public init(regions: [String], served: [String]? = nil, peers: [String: String] = [:]) throws {
        directory = try TemporaryDirectory.create(prefix: "cordon-node-\(regions.joined(separator: "-"))")
        let source = ShippedVault.keyFile(in: directory)
        _ = try DataDirectory.initialize(
            at: directory,
            regions: regions,
            source: source,
            passphraseParameters: .testing,
            nodes: peers
        )
        let vault = try ShippedVault.open(at: directory, source: source)
        tokens = try Self.issueTokens(
            in: vault,
            [("ingest", .ingest), ("dpo", .dpo), ("analyst", .analyst), ("coordinator", .coordinator)]
        )
        var configuration = ServerConfiguration(dataDirectory: directory)
        configuration.bind = .loopback(port: 0)
        configuration.configDirectory = TestPackage.root
        configuration.policies = ShippedVault.configuration
        configuration.nodes = try RegionNodes(
            configuration: ShippedVault.configuration,
            served: Set((served ?? regions).map(RegionID.init(rawValue:))),
            nodes: Dictionary(uniqueKeysWithValues: peers.map { (RegionID(rawValue: $0.key), $0.value) })
        )
        api = CordonAPI(
            configuration: configuration,
            session: try VaultSession(vault: vault, configDirectory: TestPackage.root)
        )
        host = try MicroHTTPDHost(api: api)
        configuration.nodes?.listening(at: "http://127.0.0.1:\(host.port)")
    }

    /// Stops serving and closes the vault (the directory stays, for checks on disk).
    public func stop() {
        guard
            stopped.withLock({ done in
                defer { done = true }
                return !done
            })
        else { return }
        host.stop(grace: 1)
        try? api.slot.close()
    }

    /// Store files under `regions/` (`eu.db`, ...), sorted.
    public func storeFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.appending(path: "regions").path)
            .filter { $0.hasSuffix(".db") }.sorted()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

extension RegionNode {
    /// One all-regions token per (label, role), named by its label (analysts get the
    /// `analytics` purpose): the secrets by label.
    public static func issueTokens(in vault: Vault, _ roles: [(String, TokenRole)]) throws -> [String: String] {
        var secrets: [String: String] = [:]
        for (label, role) in roles {
            secrets[label] =
                try vault.tokenRegistry().create(
                    name: label,
                    role: role,
                    scope: .allRegions,
                    purposes: role == .analyst ? [.analytics] : [],
                    context: AccessContext(actor: "test", role: .admin)
                ).secret
        }
        return secrets
    }
}
