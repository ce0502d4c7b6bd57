import CordonCore

/// `421 Misdirected Request`: the request concerns regions this node does not hold
/// (decision 0024). The body names each region with the node that serves it (or `null`
/// and how to configure one) and, for an ingest batch, the 1-based lines that belong
/// there; nothing of the request was stored.
///
///     {"code":"misdirected_request","message":"...","requestId":"req-...",
///      "servedRegions":["eu"],"regions":[{"region":"us","nodeUrl":"http://...","lines":[2,5]}]}
public struct MisdirectedRequest: HTTPResponseError, Sendable, CustomStringConvertible {
    /// One region the request belongs to, with its node.
    public struct Target: Sendable, Encodable, Equatable {
        public var region: String
        /// The base URL of the node serving the region; `null` when none is known.
        public var nodeUrl: String?
        /// Batch lines (1-based, as sent) whose country maps to this region; absent for a
        /// request that is not a batch.
        public var lines: [Int]?

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(region, forKey: .region)
            try container.encode(nodeUrl, forKey: .nodeUrl)  // explicit null: "no node is known"
            try container.encodeIfPresent(lines, forKey: .lines)
        }

        private enum CodingKeys: String, CodingKey { case region, nodeUrl, lines }
    }

    public var targets: [Target]
    public var servedRegions: [String]

    public var status: Int { 421 }
    public var errorCode: String { "misdirected_request" }

    /// Targets for `regions` (with their lines, when a batch) as `nodes` knows them.
    init(_ regions: [RegionID: [Int]?], nodes: RegionNodes) {
        targets = regions.keys.sorted().map { region in
            Target(region: region.rawValue, nodeUrl: nodes.nodeURL(for: region), lines: regions[region] ?? nil)
        }
        servedRegions = nodes.served.sorted().map(\.rawValue)
    }

    public var publicMessage: String {
        let served = servedRegions.joined(separator: ", ")
        let parts = targets.map { target in
            let lines = target.lines.map { " (\($0.count) line\($0.count == 1 ? "" : "s"))" } ?? ""
            guard let url = target.nodeUrl else {
                return
                    "region \(target.region)\(lines) has no known node: configure one with `cordon serve --node \(target.region)=URL` (or `cordon init --node`)"
            }
            return "region \(target.region)\(lines) is served by \(url)"
        }
        let holder =
            servedRegions.isEmpty
            ? "this is a coordinator: it holds no personal data and no region"
            : "this node holds only \(served)"
        return "\(holder); nothing was stored: "
            + parts.joined(separator: "; ")
            + ". GET /v1/regions lists every region's node; send each part to its own node (`cordon ingest --via`)."
    }

    public var description: String { "421 misdirected_request: \(publicMessage)" }

    /// The response body: the error fields every error has, plus the regions and their nodes.
    struct Body: Encodable {
        var code: String
        var message: String
        var requestId: String
        var servedRegions: [String]
        var regions: [Target]
    }

    func body(requestID: String) -> Body {
        Body(
            code: errorCode,
            message: publicMessage,
            requestId: requestID,
            servedRegions: servedRegions,
            regions: targets
        )
    }
}
