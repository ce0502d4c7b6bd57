import CordonAudit
import CordonCore
import Foundation

/// `GET /v1/federation/checkpoints` on a coordinator.
struct FederatedCheckpoints: Encodable {
    struct Own: Encodable {
        /// The coordinator's own recent checkpoint (C2SP signed note).
        var checkpoint: String
    }

    var coordinator: Own
    /// Every node, with its checkpoint or the reason there is none.
    var nodes: [NodeCheckpoint]
}

/// `GET /v1/federation/audit/entries` on a coordinator.
struct FederatedAuditEntries: Encodable {
    /// Oldest first, each tagged with its `node` and `nodeRegions`.
    var entries: [RelayedAuditEntry]
    /// Every node that gave no page, and why (empty when all answered).
    var nodesUnavailable: [NodeUnavailable]
    /// Whether a node may hold more matching entries than listed: ask again with `since`
    /// set to the last entry's time.
    var truncated: Bool
}

extension Endpoints {
    /// The query arguments of ``federatedAuditEntries(_:_:)``.
    static let federatedAuditArguments: Set<String> = ["action", "since", "until", "limit"]

    /// `GET /v1/federation/checkpoints` (a coordinator; `auditVerify`, decision 0027): the
    /// coordinator's own recent checkpoint and every node's `GET /v1/audit/checkpoint`,
    /// asked all at once within the node timeout with the `coordinator` token that node
    /// issued. A node that gives none is listed with the reason. Audited as `audit.relay`.
    func federatedCheckpoints(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let coordinator = try requireCoordinator(request)
        let session = try context.requireSession()
        let own = try session.vault.recentAuditCheckpoint(maximumAge: configuration.checkpointMaximumAge)
        let nodes = coordinator.checkpoints()
        try recordFanOut(
            "checkpoints",
            asked: nodes.map(\.url),
            unavailable: nodes.filter { $0.checkpoint == nil }.map(\.url),
            context
        )
        return try HTTPResponse.json(FederatedCheckpoints(coordinator: .init(checkpoint: own.text), nodes: nodes))
            .audited()
    }

    /// `GET /v1/federation/audit/entries?action=&since=&until=&limit=` (a coordinator;
    /// `auditRead`, decision 0027): every node's entries by action and time, merged oldest
    /// first, without subjects or actors, tagged with their node; the nodes that gave none in
    /// `nodesUnavailable`. A search by `subject` or `actor` is refused: access history stays
    /// per region. `503 regions_unavailable` when no node answers. Audited as `audit.relay`.
    func federatedAuditEntries(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let coordinator = try requireCoordinator(request)
        _ = try context.requireSession()
        if let named = ["subject", "actor"].first(where: { request.query[$0] != nil }) {
            throw APIError.badRequest(
                "access history by \(named) stays per region: ask the region node that holds it (GET /v1/audit/entries?\(named)=... there, with a dpo token it issued; GET /v1/regions names each region's node)"
            )
        }
        let refused = Set(request.query.keys).subtracting(Self.federatedAuditArguments)
        guard refused.isEmpty else {
            throw APIError.badRequest(
                "a federated audit search takes action, since, until and limit, not \(refused.sorted().joined(separator: ", ")); page on with since set to the last entry's time"
            )
        }
        let filters = try auditFilters(request)
        var arguments = request.query.filter { ["action", "since", "until"].contains($0.key) }
        arguments["limit"] = String(filters.limit)
        let merged = coordinator.auditEntries(arguments, limit: filters.limit) { mayRead($0.regions, context) }
        let asked = coordinator.nodeRegions.map(\.url)
        let unavailable = merged.unavailable.map(\.url)
        guard unavailable.count < asked.count else {
            let reasons = merged.unavailable.map { "\($0.url) (\($0.regions.joined(separator: ", "))): \($0.error)" }
            try recordFanOut("entries", asked: asked, unavailable: unavailable, context)
            throw APIError(
                status: 503,
                code: "regions_unavailable",
                message:
                    "no node answered the audit search: \(reasons.joined(separator: "; ")). Retry when the nodes answer (GET /readyz lists them)"
            )
        }
        try recordFanOut("entries", asked: asked, unavailable: unavailable, entries: merged.entries.count, context)
        return try HTTPResponse.json(
            FederatedAuditEntries(
                entries: merged.entries,
                nodesUnavailable: merged.unavailable,
                truncated: merged.truncated
            )
        ).audited()
    }

    /// The coordinator this server is, or `404 not_a_coordinator` saying where to ask.
    func requireCoordinator(_ request: HTTPRequest) throws -> Coordinator {
        guard let coordinator = configuration.coordinator else {
            throw APIError(
                status: 404,
                code: "not_a_coordinator",
                message:
                    "\(request.path) is answered by a coordinator (cordon coordinator), which asks every node; this node's own trail is at GET /v1/audit/checkpoint and GET /v1/audit/entries"
            )
        }
        return coordinator
    }

    /// The coordinator's `audit.relay` entry: which view, the nodes asked, those that gave
    /// nothing (an error when none answered), how many entries were listed. Fails closed.
    private func recordFanOut(
        _ view: String,
        asked: [String],
        unavailable: [String],
        entries: Int? = nil,
        _ context: RequestContext
    ) throws {
        let session = try context.requireSession()
        var details = ["view": view, "nodes": asked.joined(separator: ",")]
        if !unavailable.isEmpty { details["nodesUnavailable"] = unavailable.joined(separator: ",") }
        if let entries { details["entries"] = String(entries) }
        let none = !asked.isEmpty && unavailable.count == asked.count
        try session.vault.recordAccess(
            context.access,
            action: .auditRelay,
            outcome: none ? .error : .ok,
            reason: unavailable.isEmpty ? nil : "nodes unavailable: \(unavailable.joined(separator: ", "))",
            details: details
        )
    }
}
