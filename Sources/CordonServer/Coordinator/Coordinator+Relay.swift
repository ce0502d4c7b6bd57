import CordonCore
import Foundation

/// `POST /v1/query/release` as the coordinator sends it (decision 0027): the analyst's
/// query and options, the analyst it is asked for, and the regions of this node to read.
struct RelayedQueryBody: Codable {
    var sql: String
    var purpose: String
    /// The analyst whose budget the node spends (the coordinator authenticated them).
    var analyst: String
    /// The regions of the node the query may read (the analyst's scope, as planned).
    var regions: [String]?
    var mechanism: String?
    var epsilon: Double?
    var maxGroupsPerSubject: Int?
    var maxRowsPerGroup: Int?
    var releaseThreshold: Int?

    /// The options part, as `POST /v1/query` reads it.
    var query: QueryBody {
        QueryBody(
            sql: sql,
            purpose: purpose,
            mechanism: mechanism,
            explain: nil,
            epsilon: epsilon,
            maxGroupsPerSubject: maxGroupsPerSubject,
            maxRowsPerGroup: maxRowsPerGroup,
            releaseThreshold: releaseThreshold
        )
    }
}

/// One node as the coordinator's `/readyz` reports it.
struct NodeReadiness: Encodable {
    var url: String
    var regions: [String]
    var ready: Bool
    /// Why it is not ready (status and code, or the transport failure).
    var reason: String?
}

extension Coordinator {
    /// Sends a planned query to every node holding one of its regions, all at once, and
    /// collects their releases (or why there is none) within the node timeout.
    func relay(_ plan: RelayPlan, body: QueryBody) -> [NodeReply] {
        let targets = nodeRegions.compactMap { node -> (url: String, regions: [RegionID])? in
            let regions = node.regions.filter(plan.regions.contains)
            return regions.isEmpty ? nil : (node.url, regions)
        }
        var requests: [RelayClient.Request] = []
        var replies: [Int: NodeReply] = [:]
        var sent: [Int] = []
        for (index, target) in targets.enumerated() {
            let relayed = RelayedQueryBody(
                sql: body.sql,
                purpose: body.purpose,
                analyst: plan.analyst,
                regions: target.regions.map(\.rawValue),
                mechanism: body.mechanism,
                epsilon: body.epsilon,
                maxGroupsPerSubject: body.maxGroupsPerSubject,
                maxRowsPerGroup: body.maxRowsPerGroup,
                releaseThreshold: body.releaseThreshold
            )
            guard let url = URL(string: target.url)?.appendingPathComponent("v1/query/release"),
                let data = try? JSONEncoder().encode(relayed)
            else {
                replies[index] = NodeReply(
                    node: target.url,
                    regions: target.regions,
                    release: nil,
                    failure: "bad node URL"
                )
                continue
            }
            requests.append(
                RelayClient.Request(method: "POST", url: url, token: token(for: target.regions), body: data)
            )
            sent.append(index)
        }
        for (index, result) in zip(sent, RelayClient.sendAll(requests, timeoutSeconds: timeoutSeconds)) {
            replies[index] = Self.reply(result, node: targets[index].url, regions: targets[index].regions)
        }
        return targets.indices.compactMap { replies[$0] }
    }

    /// A node's HTTP reply as a release, or the reason there is none.
    static func reply(_ result: Result<RelayClient.Reply, RelayFailure>, node: String, regions: [RegionID]) -> NodeReply
    {
        switch result {
        case .failure(let failure):
            return NodeReply(node: node, regions: regions, release: nil, failure: failure.reason)
        case .success(let reply) where reply.status == 200:
            guard let release = try? JSONDecoder().decode(NodeRelease.self, from: reply.body) else {
                return NodeReply(node: node, regions: regions, release: nil, failure: "answered 200 without a release")
            }
            return NodeReply(node: node, regions: regions, release: release, failure: nil)
        case .success(let reply):
            return NodeReply(node: node, regions: regions, release: nil, failure: Self.summary(reply))
        }
    }

    /// `HTTP 429 budget_exhausted: ...` from a Cordon error body, or the status alone.
    static func summary(_ reply: RelayClient.Reply) -> String {
        struct ErrorBody: Decodable {
            var code: String
            var message: String
        }
        guard let body = try? JSONDecoder().decode(ErrorBody.self, from: reply.body) else {
            return "HTTP \(reply.status)"
        }
        return "HTTP \(reply.status) \(body.code): \(body.message)"
    }

    /// Each node's `/readyz`, asked all at once within the node timeout.
    func readiness() -> [NodeReadiness] {
        let nodes = nodeRegions
        let requests = nodes.compactMap { node in
            URL(string: node.url).map {
                RelayClient.Request(method: "GET", url: $0.appendingPathComponent("readyz"), token: "", body: nil)
            }
        }
        let results = RelayClient.sendAll(requests, timeoutSeconds: timeoutSeconds)
        return zip(nodes, results).map { node, result in
            var state = NodeReadiness(url: node.url, regions: node.regions.map(\.rawValue), ready: false)
            switch result {
            case .failure(let failure): state.reason = failure.reason
            case .success(let reply) where reply.status == 200: state.ready = true
            case .success(let reply): state.reason = Self.summary(reply)
            }
            return state
        }
    }
}
