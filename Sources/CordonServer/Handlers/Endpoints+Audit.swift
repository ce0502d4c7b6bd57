import CordonAudit
import CordonCore
import CordonSystem
import Foundation

struct AuditEntriesResponse: Encodable {
    var entries: [AuditEntry]
    var treeSize: UInt64
}

extension Endpoints {
    /// The most entries one `GET /v1/audit/entries` returns.
    static let maximumAuditEntries = 1000

    /// `GET /v1/audit/entries?subject=&actor=&action=&region=&since=&until=&after=&limit=`:
    /// entries whose regions the token may all see (entries naming no region included),
    /// oldest first; `after` is the last sequence number of the previous page.
    func auditEntries(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        var query = try auditFilters(request)
        if let subject = request.query["subject"] {
            if let id = SubjectID(rawValue: subject) {
                query.subject = session.vault.pseudonym(id)
                context.touch(subject: id)
            } else if subject.hasPrefix("p-") {
                query.subject = subject
            } else {
                throw APIError.badRequest("subject must be a subject id or an audit pseudonym (p-...)")
            }
        }
        query.actor = request.query["actor"]
        query.region = request.query["region"]
        let entries = try session.vault.searchAudit(query).filter { mayRead($0.regions, context) }
        return try HTTPResponse.json(AuditEntriesResponse(entries: entries, treeSize: session.vault.auditTreeSize))
    }

    /// The query arguments of ``relayedAuditEntries(_:_:)``: action and time, nothing
    /// that finds a person.
    static let relayedAuditArguments: Set<String> = ["action", "since", "until", "limit", "after"]

    /// `GET /v1/audit/entries/relay?action=&since=&until=&after=&limit=` (the `coordinator`
    /// role only; decision 0027): this node's entries for a coordinator's federated search,
    /// oldest first, each without its subjects, actor or any other per-person field
    /// (``RelayedAuditEntry``). A search by subject or actor is refused: access history
    /// stays on the node, for its own DPO (`GET /v1/audit/entries`).
    func relayedAuditEntries(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let refused = Set(request.query.keys).subtracting(Self.relayedAuditArguments)
        guard refused.isEmpty else {
            throw APIError.badRequest(
                "a relayed audit search takes only action, since, until, limit and after, not \(refused.sorted().joined(separator: ", ")): access history by subject or actor stays on this node (its DPO asks GET /v1/audit/entries)"
            )
        }
        let query = try auditFilters(request)
        let found = try session.vault.searchAudit(query)
        let entries = found.filter { mayRead($0.regions, context) }.map(RelayedAuditEntry.init)
        return try HTTPResponse.json(
            RelayedAuditEntries(
                entries: entries,
                treeSize: session.vault.auditTreeSize,
                truncated: found.count == query.limit
            )
        )
    }

    /// The arguments every audit search takes — `action`, `since`, `until`, `after`,
    /// `limit` (default 100) — checked (`400` saying the expected form).
    func auditFilters(_ request: HTTPRequest) throws -> AuditQuery {
        var query = AuditQuery(limit: 100)
        query.action = request.query["action"]
        query.after = try unsigned(request, "after")
        query.since = try auditTime(request, "since")
        query.until = try auditTime(request, "until")
        if let limit = try unsigned(request, "limit") {
            guard (1...UInt64(Self.maximumAuditEntries)).contains(limit) else {
                throw APIError.badRequest("limit must be between 1 and \(Self.maximumAuditEntries)")
            }
            query.limit = Int(limit)
        }
        return query
    }

    /// The time argument `name`, read by the one parser of the API and CLI — not the audit
    /// format's own strict reader, which accepts exactly the millisecond UTC form entries
    /// are written in.
    func auditTime(_ request: HTTPRequest, _ name: String) throws -> AuditTimestamp? {
        guard let text = request.query[name] else { return nil }
        guard let instant = Timestamp.instant(text) else {
            throw APIError.badRequest("\(name) must be \(Timestamp.expectedForm)")
        }
        return AuditTimestamp(millisecondsSince1970: instant.millisecondsSince1970)
    }

    /// Whether the caller may see an entry naming `regions`: each in the token's scope and,
    /// on a region node, held here (entries naming no region: yes). A coordinator holds no
    /// region, so there the token's scope alone decides.
    func mayRead(_ regions: [String], _ context: RequestContext) -> Bool {
        guard configuration.coordinator != nil else {
            return regions.allSatisfy { permits(context, region: RegionID(rawValue: $0)) }
        }
        guard let token = context.token else { return false }
        return regions.allSatisfy { token.scope.permits(RegionID(rawValue: $0)) }
    }

    /// `GET /v1/audit/checkpoint`: a recent checkpoint (C2SP tlog-checkpoint signed note,
    /// `text/plain`): the stored one when it covers the tree or is younger than
    /// ``ServerConfiguration/checkpointMaximumAge``, else one signed now. A checkpoint
    /// already handed out is public, so serving it again needs no new signature or fsync;
    /// only the request's own audit entry is written (decision 0018).
    func auditCheckpoint(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let checkpoint = try session.vault.recentAuditCheckpoint(maximumAge: configuration.checkpointMaximumAge)
        return HTTPResponse.text(checkpoint.text)
    }

    /// `GET /v1/audit/proof/inclusion?index=&treeSize=`: RFC 9162 inclusion proof.
    func inclusionProof(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        guard let index = try unsigned(request, "index") else {
            throw APIError.badRequest("missing query argument 'index'")
        }
        let treeSize = try unsigned(request, "treeSize")
        guard index < (treeSize ?? session.vault.auditTreeSize) else {
            throw APIError.badRequest("index must be below the tree size")
        }
        return try HTTPResponse.json(try session.vault.auditInclusionProof(index: index, treeSize: treeSize))
    }

    /// `GET /v1/audit/proof/consistency?from=&to=`: RFC 9162 consistency proof.
    func consistencyProof(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        guard let from = try unsigned(request, "from"), let to = try unsigned(request, "to") else {
            throw APIError.badRequest("give both 'from' and 'to' tree sizes")
        }
        guard from >= 1, from <= to, to <= session.vault.auditTreeSize else {
            throw APIError.badRequest("need 1 <= from <= to <= the current tree size")
        }
        return try HTTPResponse.json(try session.vault.auditConsistencyProof(from: from, to: to))
    }

    /// `GET /v1/audit/pubkey`: the verifier key (signed-note form) for checkpoints and
    /// erasure receipts.
    func auditPublicKey(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        return HTTPResponse.text(session.vault.auditVerifierKey.description + "\n")
    }
}
