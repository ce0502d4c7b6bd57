import CordonCore
import Foundation

/// `GET /readyz` on a coordinator: its own trail is writable, and which nodes answer.
struct CoordinatorReadyBody: Encodable {
    /// `ready` (every node answers), `degraded` (some do: answers list the others' regions
    /// in `regionsUnavailable`).
    var status: String
    var nodes: [NodeReadiness]
    /// The witnessed nodes whose trail this coordinator found cut or forked, and why
    /// (`--witness`; decision 0025): it refuses to cosign them.
    var witnessAlarms: Int
    var witnessAlarmPeers: [String: String]
}

extension Endpoints {
    /// `POST /v1/query` on a coordinator (decision 0027): validates and plans the query with
    /// the nodes' catalog (refusals audited here, nothing sent), relays it with the analyst's
    /// identity to every node holding a region it may touch, in parallel within the node
    /// timeout, and merges their releases into the answer one node would give — with the
    /// regions of every node that gave none in `regionsUnavailable`.
    func relayQuery(
        _ coordinator: Coordinator,
        _ request: HTTPRequest,
        _ context: RequestContext
    ) throws
        -> HTTPResponse
    {
        let session = try context.requireSession()
        let token = try context.requireToken()
        let body = try JSONBody.decode(QueryBody.self, from: request)
        guard body.explain != true else {
            throw APIError.badRequest(
                "a coordinator does not explain queries: ask a region node (POST /v1/query with explain on it)"
            )
        }
        let media = try AnswerMediaType.negotiate(request)
        let plan = try session.vault.planRelay(
            body.sql,
            purpose: Purpose(rawValue: body.purpose),
            analyst: Self.analyst(token),
            context: context.access,
            options: Self.tokenOptions(token, try body.options()),
            configuration: coordinator.configuration
        )
        for region in plan.regions { context.touch(region: region) }
        let replies = coordinator.relay(plan, body: body)
        let answer: QueryAnswer
        do {
            answer = try session.vault.mergeRelayed(plan, replies: replies, context: context.access)
        } catch let error as RelayUnavailable {
            throw APIError(
                status: 503,
                code: "regions_unavailable",
                message:
                    "\(error.description). Nothing was merged; retry when the nodes answer (GET /readyz lists them)"
            )
        }
        return try answered(answer, as: media).regionsRead(answer.privacy.regions.map(\.region))
    }

    /// `421` for every route that concerns a person: a coordinator holds none. A batch
    /// names the lines whose country maps to each region; `?region=`/`?country=` names that
    /// region; otherwise every region's node is listed.
    func refuseOnCoordinator(
        _ coordinator: Coordinator,
        _ request: HTTPRequest,
        _ context: RequestContext
    ) throws
        -> HTTPResponse
    {
        let nodes = coordinator.nodes
        if request.method == "POST" && (request.path == "/v1/subjects" || request.path == "/v1/events") {
            try routeBatch(request.body, context)
        }
        try requireNamedRegionServed(request, context)
        throw misdirected(
            Dictionary(uniqueKeysWithValues: nodes.regions.map { ($0.id, [Int]?.none) }),
            nodes: nodes,
            context
        )
    }

    /// The coordinator's readiness: `200` while at least one node answers (`degraded` when
    /// not all do), `503 nodes_unavailable` when none does; with the witnessed nodes whose
    /// trail it found cut or forked.
    func coordinatorReadiness(_ coordinator: Coordinator, vault: Vault) throws -> HTTPResponse {
        let nodes = coordinator.readiness()
        let ready = nodes.filter(\.ready).count
        let alarms = vault.standingWitnessAlarms().mapValues(\.rawValue)
        let status = ready == 0 ? "nodes_unavailable" : ready == nodes.count ? "ready" : "degraded"
        return try HTTPResponse.json(
            CoordinatorReadyBody(status: status, nodes: nodes, witnessAlarms: alarms.count, witnessAlarmPeers: alarms),
            status: ready == 0 ? 503 : 200
        )
    }
}
