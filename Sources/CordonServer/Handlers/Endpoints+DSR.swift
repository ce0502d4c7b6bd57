import CordonCore
import Foundation

struct OpenDSRBody: Decodable {
    var right: String
    var region: String
    var subjectId: String?
    var externalRef: String?
    var receivedAt: String?
}

struct ExtendDSRBody: Decodable {
    var reason: String?
}

struct CompleteDSRBody: Decodable {
    var outcome: String?
}

/// The DSR JSON shape shared with the CLI.
typealias DSREntry = DSRRequestStatus

struct DSRListResponse: Encodable {
    var requests: [DSREntry]
}

extension Endpoints {
    /// `GET /v1/dsr?status=open|extended|overdue|completed|all`, in the token's regions.
    func listDSR(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let filterText = request.query["status"] ?? "open"
        guard let filter = DSRRegister.Filter(rawValue: filterText) else {
            throw APIError.badRequest(
                "status must be one of \(DSRRegister.Filter.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let now = Date()
        let requests = try session.vault.dsr.list(filter: filter, now: now).filter {
            permits(context, region: $0.region)
        }
        try session.vault.auditDSR("dsr.list", requests: requests, context: context.access)
        return try HTTPResponse.json(DSRListResponse(requests: requests.map { DSREntry(request: $0, now: now) }))
            .audited()
    }

    /// `POST /v1/dsr`: registers a request received now (or at `receivedAt`).
    func openDSR(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let body = try JSONBody.decode(OpenDSRBody.self, from: request)
        guard let right = Right(rawValue: body.right) else {
            throw APIError.badRequest("right must be one of \(Right.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let region = RegionID(rawValue: body.region)
        guard session.vault.configuration.regions[region] != nil else {
            throw APIError.badRequest("unknown region; GET /v1/regions lists them")
        }
        try authorize(context, region: region)
        var receivedAt = Date()
        if let text = body.receivedAt {
            guard let date = Timestamp.parse(text) else {
                throw APIError.badRequest("receivedAt must be \(Timestamp.expectedForm)")
            }
            receivedAt = date
        }
        let opened = try session.vault.dsr.open(
            kind: right,
            region: region,
            policy: session.vault.configuration.policy(for: region),
            subjectID: body.subjectId,
            externalRef: body.externalRef,
            receivedAt: receivedAt
        )
        try session.vault.auditDSR("dsr.open", requests: [opened], context: context.access)
        return try HTTPResponse.json(DSREntry(request: opened, now: Date()), status: 201).audited()
    }

    /// `POST /v1/dsr/{id}/extend`.
    func extendDSR(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let (session, id) = try registeredRequest(context)
        let body = try JSONBody.decode(ExtendDSRBody.self, from: request)
        let extended = try session.vault.dsr.extend(id: id, reason: body.reason, now: Date())
        try session.vault.auditDSR("dsr.extend", requests: [extended], context: context.access)
        return try HTTPResponse.json(DSREntry(request: extended, now: Date())).audited()
    }

    /// `POST /v1/dsr/{id}/complete`.
    func completeDSR(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let (session, id) = try registeredRequest(context)
        let body = try JSONBody.decode(CompleteDSRBody.self, from: request)
        let completed = try session.vault.dsr.complete(id: id, outcome: body.outcome, now: Date())
        try session.vault.auditDSR("dsr.complete", requests: [completed], context: context.access)
        return try HTTPResponse.json(DSREntry(request: completed, now: Date())).audited()
    }

    /// The `{id}` request, after checking the token may act in its region.
    private func registeredRequest(_ context: RequestContext) throws -> (VaultSession, String) {
        let session = try context.requireSession()
        guard let id = context.parameter("id") else { throw APIError.notFound }
        let request = try session.vault.dsr.request(id: id)
        try authorize(context, region: request.region)
        return (session, id)
    }
}
