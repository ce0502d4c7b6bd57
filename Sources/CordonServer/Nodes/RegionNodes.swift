public import CordonCore
import Foundation
import Synchronization

/// Which regions this server holds and where the others are served: the routing table of a
/// region node (decision 0024).
///
/// A node holds only its regions' stores; a request for another region is refused with
/// `421 Misdirected Request` naming that region's node. The table is built from the whole
/// configuration (every region's countries), so a node can name the region of a country it
/// does not hold.
///
/// ```swift
/// let nodes = try RegionNodes(configuration: policies, served: ["eu"], nodes: ["us": "https://us.example:8443"])
/// nodes.region(ofCountry: "US")  // "us", served elsewhere
/// ```
public final class RegionNodes: Sendable {
    /// The regions this server answers for.
    public let served: Set<RegionID>
    /// The node URL of each region served elsewhere, when known.
    public let nodes: [RegionID: String]
    /// Every region of the configuration, in id order.
    public let regions: [Region]
    private let configuration: PolicyConfiguration
    private let ownURL = Mutex<String?>(nil)

    /// A table over `configuration` (every region, not only this node's).
    /// - Throws: ``NodeConfigurationError`` when a region is unknown, a node URL is not an
    ///   absolute http(s) URL, or a node is named for a region this server holds.
    public init(configuration: PolicyConfiguration, served: Set<RegionID>, nodes: [RegionID: String]) throws {
        let known = Set(configuration.regions.keys)
        for region in served.union(nodes.keys) where !known.contains(region) {
            throw NodeConfigurationError(
                "region '\(region)' is not defined (regions: \(known.sorted().map(\.rawValue).joined(separator: ", ")))"
            )
        }
        for (region, url) in nodes {
            if served.contains(region) {
                throw NodeConfigurationError(
                    "region \(region) is served by this node; a --node URL is for other regions"
                )
            }
            try Self.checkURL(url, region: region)
        }
        self.configuration = configuration
        self.served = served
        self.nodes = nodes
        self.regions = configuration.regions.values.sorted { $0.id < $1.id }
    }

    /// Refuses anything but an absolute `http://` or `https://` URL with a host.
    public static func checkURL(_ text: String, region: RegionID) throws {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw NodeConfigurationError(
                "the node URL of region \(region) must be an absolute http(s) URL such as https://\(region).example:8443"
            )
        }
    }

    /// This server's own base URL (`http://127.0.0.1:8080`), once it listens.
    public var url: String? { ownURL.withLock { $0 } }

    /// Records where this server listens (the bound address, after port 0 is resolved).
    public func listening(at url: String) { ownURL.withLock { $0 = url } }

    /// Whether this server holds `region`.
    public func serves(_ region: RegionID) -> Bool { served.contains(region) }

    /// Whether this server holds every region of the configuration (a single node).
    public var servesEverything: Bool { regions.allSatisfy { served.contains($0.id) } }

    /// The base URL serving `region`: this server's own for its regions, the configured
    /// node's for the others, or `nil` when none is known.
    public func nodeURL(for region: RegionID) -> String? {
        served.contains(region) ? url : nodes[region]
    }

    /// The region of a country given as user input (`"de"`, `" US "`), whether or not this
    /// server holds it; `nil` when no region lists it.
    public func region(ofCountry text: String) -> RegionID? {
        configuration.region(ofCountry: text)?.id
    }

    /// A known region id given as user input, or `nil`.
    public func region(named text: String) -> RegionID? {
        let id = RegionID(rawValue: text.lowercased())
        return configuration.regions[id] == nil ? nil : id
    }
}

/// A node table that cannot be built: an unknown region or a malformed node URL.
public struct NodeConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
