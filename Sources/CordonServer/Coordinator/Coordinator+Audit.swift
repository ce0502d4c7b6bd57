import CordonAudit
import CordonCore
import Foundation

/// One node's checkpoint as `GET /v1/federation/checkpoints` lists it, or why there is none.
struct NodeCheckpoint: Encodable {
    var url: String
    var regions: [String]
    /// The node's `GET /v1/audit/checkpoint`: a C2SP signed note, to verify with the key its
    /// `GET /v1/audit/pubkey` (or `cordon audit pubkey` there) publishes.
    var checkpoint: String?
    /// Why there is none: the status and code it answered, or the transport failure.
    var error: String?
}

/// A node that gave no entries to a federated audit search, and why.
struct NodeUnavailable: Encodable {
    var url: String
    var regions: [String]
    var error: String
}

/// The nodes' pages of a federated audit search, merged.
struct MergedAuditEntries {
    /// Oldest first (then by node and sequence), at most the limit asked for.
    var entries: [RelayedAuditEntry]
    /// The nodes that gave none, and why.
    var unavailable: [NodeUnavailable]
    /// Whether a node may hold more matching entries than listed.
    var truncated: Bool
}

extension Coordinator {
    /// One node's reply to a fan-out, or why there is none.
    typealias NodeResult = (url: String, regions: [RegionID], result: Result<RelayClient.Reply, RelayFailure>)

    /// `GET path?arguments` on every node at once, with the coordinator token each issued,
    /// within the node timeout (the same client and deadline as relayed queries).
    func fanOut(_ path: String, arguments: [String: String] = [:]) -> [NodeResult] {
        let nodes = nodeRegions
        var requests: [RelayClient.Request] = []
        var sent: [Int] = []
        for (index, node) in nodes.enumerated() {
            guard let url = Self.url(node.url, path, arguments) else { continue }
            requests.append(RelayClient.Request(method: "GET", url: url, token: token(for: node.regions), body: nil))
            sent.append(index)
        }
        var results = [Int: Result<RelayClient.Reply, RelayFailure>](
            uniqueKeysWithValues: zip(sent, RelayClient.sendAll(requests, timeoutSeconds: timeoutSeconds))
        )
        for index in nodes.indices where results[index] == nil {
            results[index] = .failure(RelayFailure(reason: "bad node URL \(nodes[index].url)"))
        }
        return nodes.enumerated().compactMap { index, node in results[index].map { (node.url, node.regions, $0) } }
    }

    /// `base/path?arguments`, every argument percent-encoded (a `+` in a time's offset
    /// stays a plus, not the space a form would read).
    static func url(_ base: String, _ path: String, _ arguments: [String: String]) -> URL? {
        guard let root = URL(string: base),
            var components = URLComponents(url: root.appendingPathComponent(path), resolvingAgainstBaseURL: false)
        else { return nil }
        let unreserved = CharacterSet(charactersIn: "-._~").union(.alphanumerics)
        let encoded = arguments.keys.sorted().compactMap { name in
            arguments[name]?.addingPercentEncoding(withAllowedCharacters: unreserved).map { "\(name)=\($0)" }
        }
        if !encoded.isEmpty { components.percentEncodedQuery = encoded.joined(separator: "&") }
        return components.url
    }

    /// Every node's `GET /v1/audit/checkpoint`, each checked to be a signed note; a node
    /// that gives none is listed with the reason, never left out.
    func checkpoints() -> [NodeCheckpoint] {
        fanOut("v1/audit/checkpoint").map { node in
            var listed = NodeCheckpoint(url: node.url, regions: node.regions.map(\.rawValue))
            switch node.result {
            case .failure(let failure):
                listed.error = failure.reason
            case .success(let reply) where reply.status == 200:
                let text = String(decoding: reply.body, as: UTF8.self)
                if (try? Checkpoint.parse(text)) != nil {
                    listed.checkpoint = text
                } else {
                    listed.error = "answered 200 without a signed checkpoint"
                }
            case .success(let reply):
                listed.error = Self.summary(reply)
            }
            return listed
        }
    }

    /// Every node's relayed audit search (`GET /v1/audit/entries/relay` with `arguments`),
    /// merged by time: the first `limit` entries the caller may see (`visible`), each tagged
    /// with its node, and every node that gave no page.
    func auditEntries(
        _ arguments: [String: String],
        limit: Int,
        visible: (RelayedAuditEntry) -> Bool
    ) -> MergedAuditEntries {
        var merged = MergedAuditEntries(entries: [], unavailable: [], truncated: false)
        for node in fanOut("v1/audit/entries/relay", arguments: arguments) {
            let regions = node.regions.map(\.rawValue)
            let page: RelayedAuditEntries
            switch node.result {
            case .failure(let failure):
                merged.unavailable.append(NodeUnavailable(url: node.url, regions: regions, error: failure.reason))
                continue
            case .success(let reply) where reply.status == 200:
                guard let decoded = try? JSONDecoder().decode(RelayedAuditEntries.self, from: reply.body) else {
                    merged.unavailable.append(
                        NodeUnavailable(url: node.url, regions: regions, error: "answered 200 without audit entries")
                    )
                    continue
                }
                page = decoded
            case .success(let reply):
                merged.unavailable.append(NodeUnavailable(url: node.url, regions: regions, error: Self.summary(reply)))
                continue
            }
            merged.truncated = merged.truncated || page.truncated
            for var entry in page.entries where visible(entry) {
                entry.node = node.url
                entry.nodeRegions = regions
                merged.entries.append(entry)
            }
        }
        merged.entries.sort { ($0.time, $0.node ?? "", $0.sequence) < ($1.time, $1.node ?? "", $1.sequence) }
        if merged.entries.count > limit {
            merged.entries.removeLast(merged.entries.count - limit)
            merged.truncated = true
        }
        return merged
    }
}
