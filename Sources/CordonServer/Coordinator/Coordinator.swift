public import CordonCore
import Foundation

/// What makes a server a coordinator (decision 0027): every region is served by a node
/// elsewhere; the coordinator relays analysts' queries to those nodes with a `coordinator`
/// token of each, merges their releases, and refuses anything that concerns a person with
/// `421` naming the nodes. It holds no personal data and no region key — only its own
/// control store (the analysts' tokens) and audit trail.
///
/// ```swift
/// let coordinator = try Coordinator(
///     configuration: policies,
///     nodes: ["eu": "http://10.0.0.2:8080", "us": "http://10.0.0.3:8080"],
///     tokens: ["eu": euSecret, "us": usSecret])
/// ```
public final class Coordinator: Sendable {
    /// The routing table: no region served here, every region's node.
    public let nodes: RegionNodes
    /// Every region's policy: the coordinator validates and plans with the nodes' catalog.
    public let configuration: PolicyConfiguration
    /// Seconds a node may take to answer before its regions are listed as unavailable.
    public let timeoutSeconds: Double
    /// The `coordinator` token each region's node issued (never logged).
    private let tokens: [RegionID: String]

    /// - Throws: ``NodeConfigurationError`` when a region of the configuration has no node
    ///   or no token, or a URL is malformed.
    public init(
        configuration: PolicyConfiguration,
        nodes: [RegionID: String],
        tokens: [RegionID: String],
        timeoutSeconds: Double = 10
    ) throws {
        var shared = tokens
        for region in configuration.regions.keys.sorted() {
            guard let url = nodes[region] else {
                throw NodeConfigurationError(
                    "region \(region) has no node: give every region's node with --node \(region)=URL"
                )
            }
            // Regions served by one node share its token.
            let sibling = tokens.first { nodes[$0.key] == url && !$0.value.isEmpty }?.value
            guard let token = tokens[region].flatMap({ $0.isEmpty ? nil : $0 }) ?? sibling else {
                throw NodeConfigurationError(
                    "region \(region) has no coordinator token: issue one on its node (cordon token create --role coordinator) and pass it with --node-token \(region)=TOKEN or CORDON_NODE_TOKEN_\(region.rawValue.uppercased())"
                )
            }
            shared[region] = token
        }
        guard timeoutSeconds.isFinite, timeoutSeconds > 0 else {
            throw NodeConfigurationError("the node timeout must be a number of seconds greater than 0")
        }
        self.nodes = try RegionNodes(configuration: configuration, served: [], nodes: nodes)
        self.configuration = configuration
        self.tokens = shared
        self.timeoutSeconds = timeoutSeconds
    }

    /// The nodes (base URL) and the regions each serves, in URL order.
    public var nodeRegions: [(url: String, regions: [RegionID])] {
        var byURL: [String: [RegionID]] = [:]
        for (region, url) in nodes.nodes { byURL[url, default: []].append(region) }
        return byURL.keys.sorted().map { ($0, byURL[$0]!.sorted()) }
    }

    /// The token to present to the node serving `regions` (they share one node, hence one
    /// control store and one token).
    func token(for regions: [RegionID]) -> String {
        regions.lazy.compactMap { self.tokens[$0] }.first ?? ""
    }
}
