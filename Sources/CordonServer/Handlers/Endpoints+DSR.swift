import CordonCore
import Foundation

struct OpenDSRBody: Decodable {
    var right: String
    /// The governing region; optional when `subjectId` is given (taken from the subject).
    var region: String?
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
        guard let filter = DSRRequest.Filter(rawValue: filterText) else {
            throw APIError.badRequest(
                "status must be one of \(DSRRequest.Filter.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let now = Date()
        let requests = try session.vault.listRequests(filter, now: now, context: context.access) {
            permits(context, region: $0)
        }
        return try HTTPResponse.json(DSRListResponse(requests: requests.map { DSREntry(request: $0, now: now) }))
            .audited()
    }

    /// `POST /v1/dsr`: registers a request received now (or at `receivedAt`), governed by
    /// the subject's region when `subjectId` is given (`region` may then be left out; a
    /// different one is refused with 409 `region_mismatch`).
    func openDSR(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let body = try JSONBody.decode(OpenDSRBody.self, from: request)
        guard let right = Right(rawValue: body.right) else {
            throw APIError.badRequest("right must be one of \(Right.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let typed = body.region.map(RegionID.init(rawValue:))
        if let typed, configuration.nodes?.region(named: typed.rawValue) != nil {
            try requireServed(typed, context)  // another node's region: 421 with its node (decision 0024)
        }
        if let typed, session.vault.configuration.regions[typed] == nil {
            throw APIError.badRequest("unknown region; GET /v1/regions lists them")
        }
        var receivedAt = Date()
        if let text = body.receivedAt {
            guard let date = Timestamp.parse(text) else {
                throw APIError.badRequest("receivedAt must be \(Timestamp.expectedForm)")
            }
            receivedAt = date
        }
        // The subject's region decides access first; a typed region that disagrees is
        // refused by openRequest, only once the token may see the subject's region.
        let region = try session.vault.governingRegion(body.subjectId == nil ? typed : nil, subject: body.subjectId)
        try authorize(context, region: region)
        let opened = try session.vault.openRequest(
            right,
            region: typed ?? region,
            subject: body.subjectId,
            externalRef: body.externalRef,
            receivedAt: receivedAt,
            context: context.access
        )
        return try HTTPResponse.json(DSREntry(request: opened, now: Date()), status: 201).audited()
    }

    /// `POST /v1/dsr/{id}/extend`.
    func extendDSR(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let (session, id) = try registeredRequest(context)
        let body = try JSONBody.decode(ExtendDSRBody.self, from: request)
        let extended = try session.vault.extendRequest(id, reason: body.reason, context: context.access)
        return try HTTPResponse.json(DSREntry(request: extended, now: Date())).audited()
    }

    /// `POST /v1/dsr/{id}/complete`.
    func completeDSR(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let (session, id) = try registeredRequest(context)
        let body = try JSONBody.decode(CompleteDSRBody.self, from: request)
        let completed = try session.vault.completeRequest(id, outcome: body.outcome, context: context.access)
        return try HTTPResponse.json(DSREntry(request: completed, now: Date())).audited()
    }

    /// The `{id}` request, after checking the token may act in its region.
    private func registeredRequest(_ context: RequestContext) throws -> (VaultSession, String) {
        let session = try context.requireSession()
        guard let id = context.parameter("id") else { throw APIError.notFound }
        let request = try session.vault.dsrRequest(id)
        try authorize(context, region: request.region)
        return (session, id)
    }
}
