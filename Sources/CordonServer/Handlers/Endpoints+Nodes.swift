import CordonCore
import CordonSystem
import Foundation

/// `GET /v1/regions` on a node: every region with the node that serves it.
struct RegionDirectoryEntry: Encodable {
    var id: String
    var name: String
    var policy: String
    var countries: [String]
    var storageLocation: String
    /// The base URL of the node holding this region; `null` when unknown.
    var nodeUrl: String?
    /// Whether this node holds the region.
    var served: Bool

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(policy, forKey: .policy)
        try container.encode(countries, forKey: .countries)
        try container.encode(storageLocation, forKey: .storageLocation)
        try container.encode(nodeUrl, forKey: .nodeUrl)  // explicit null: no node known
        try container.encode(served, forKey: .served)
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, policy, countries, storageLocation, nodeUrl, served
    }
}

struct RegionDirectory: Encodable {
    var regions: [RegionDirectoryEntry]
    /// The regions this node holds.
    var servedRegions: [String]
    /// This node's own base URL, when it listens on a socket.
    var nodeUrl: String?
}

extension Endpoints {
    /// `GET /v1/regions`: every region of the configuration with its policy, countries,
    /// storage location, the node that serves it and whether this node holds it (decision
    /// 0024). Any role may read it: it is the routing table `cordon ingest --via` and DSR
    /// tools use, and holds no personal data.
    func regions(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let regions: [Region]
        let held = Set(session.vault.regionIDs)
        if let nodes = configuration.nodes {
            regions = nodes.regions
        } else {
            regions = session.vault.configuration.regions.values.sorted { $0.id < $1.id }
        }
        let entries = regions.map { region in
            let served = held.contains(region.id) && (configuration.nodes?.serves(region.id) ?? true)
            return RegionDirectoryEntry(
                id: region.id.rawValue,
                name: region.name,
                policy: region.policy.rawValue,
                countries: region.countries.map(\.rawValue),
                storageLocation: region.storageLocation,
                nodeUrl: served ? configuration.nodes?.url : configuration.nodes?.nodes[region.id],
                served: served
            )
        }
        return try HTTPResponse.json(
            RegionDirectory(
                regions: entries,
                servedRegions: entries.filter(\.served).map(\.id),
                nodeUrl: configuration.nodes?.url
            )
        )
    }

    /// Whether this node holds `region` (always, on a server without a node table).
    func serves(_ region: RegionID) -> Bool {
        configuration.nodes?.serves(region) ?? true
    }

    /// `421` when this node does not hold `region`, naming the node that does.
    func requireServed(_ region: RegionID, _ context: RequestContext) throws {
        guard let nodes = configuration.nodes, !nodes.serves(region) else { return }
        throw misdirected([region: nil], nodes: nodes, context)
    }

    /// The refusal for `regions` (with their batch lines), noted on the request for its
    /// `request.misdirected` audit entry (regions only: never a line's content).
    func misdirected(
        _ regions: [RegionID: [Int]?],
        nodes: RegionNodes,
        _ context: RequestContext
    ) -> MisdirectedRequest {
        for region in regions.keys { context.touch(region: region) }
        return MisdirectedRequest(regions, nodes: nodes)
    }

    /// The region a subject-scoped request names through `?region=` or `?country=` (the
    /// DSR routing rule of decision 0024), refused with `421` when this node does not hold
    /// it and `400` when it names no region.
    func requireNamedRegionServed(_ request: HTTPRequest, _ context: RequestContext) throws {
        guard let nodes = configuration.nodes else { return }
        let named: RegionID?
        switch (request.query["region"], request.query["country"]) {
        case (nil, nil): return
        case (let text?, _):
            guard let region = nodes.region(named: text) else {
                throw APIError.badRequest("region names no region; GET /v1/regions lists them")
            }
            named = region
        case (nil, let text?):
            guard let region = nodes.region(ofCountry: text) else {
                throw APIError.badRequest("country maps to no region; GET /v1/regions lists each region's countries")
            }
            named = region
        }
        if let named { try requireServed(named, context) }
    }

    /// Refuses a whole ingest batch, before anything is stored, when any line's `country`
    /// maps to a region this node does not hold: `421` listing those lines per region with
    /// each region's node. Lines without a readable country are left to ingest, which
    /// refuses them one by one with their precise reason (an event without `country` follows
    /// its subject, which must then live here).
    func routeBatch(_ body: [UInt8], _ context: RequestContext) throws {
        guard let nodes = configuration.nodes, !nodes.servesEverything else { return }
        var elsewhere: [RegionID: [Int]] = [:]
        let reader = LineReader(bytes: body)
        while let line = try reader.next() {
            guard !line.isTooLong, let country = Self.country(of: line.bytes),
                let region = nodes.region(ofCountry: country), !nodes.serves(region)
            else { continue }
            elsewhere[region, default: []].append(line.number)
        }
        guard !elsewhere.isEmpty else { return }
        throw misdirected(elsewhere.mapValues { Optional($0) }, nodes: nodes, context)
    }

    /// The top-level `country` string of one NDJSON line, if it has one.
    static func country(of line: [UInt8]) -> String? {
        guard let value = try? JSONParser.parse(line), case .object(let members) = value.kind,
            let member = members.first(where: { $0.key == "country" }), case .string(let text) = member.value.kind
        else { return nil }
        return text
    }
}
