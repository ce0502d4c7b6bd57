public import CordonCore
import Foundation

struct SaveQueryBody: Decodable {
    var name: String
    var sql: String
    var purpose: String
}

/// The options of `POST /v1/queries/{name}/run` (all optional; an empty body is fine).
struct RunSavedQueryBody: Decodable {
    var mechanism: String?
    var epsilon: Double?
    var maxGroupsPerSubject: Int?
    var maxRowsPerGroup: Int?
    var releaseThreshold: Int?

    var query: QueryBody {
        QueryBody(
            sql: "",
            purpose: "",
            mechanism: mechanism,
            epsilon: epsilon,
            maxGroupsPerSubject: maxGroupsPerSubject,
            maxRowsPerGroup: maxRowsPerGroup,
            releaseThreshold: releaseThreshold
        )
    }
}

extension Endpoints {
    /// `GET /v1/queries`: the calling analyst's saved queries (audited as `query.saved.list`).
    func savedQueries(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let token = try context.requireToken()
        let saved = try session.vault.savedQueries(analyst: Self.analyst(token), context: context.access)
        return try HTTPResponse.json(["queries": saved]).audited()
    }

    /// `POST /v1/queries` `{"name","sql","purpose"}`: saves a validated query for the calling
    /// analyst (201; audited as `query.save`). The purpose must be one of the token's.
    func saveQuery(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let token = try context.requireToken()
        let body = try JSONBody.decode(SaveQueryBody.self, from: request)
        let saved = try session.vault.saveQuery(
            body.name,
            body.sql,
            purpose: Purpose(rawValue: body.purpose),
            analyst: Self.analyst(token),
            context: context.access,
            options: Self.tokenOptions(token, QueryOptions())
        )
        return try HTTPResponse.json(saved, status: 201).audited()
    }

    /// `POST /v1/queries/{name}/run`: runs the calling analyst's saved query, answered like
    /// `POST /v1/query` (JSON, CSV or xlsx by `Accept`); within a budget period the released
    /// answer again, for free.
    func runSavedQuery(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let token = try context.requireToken()
        guard let name = context.parameter("name") else { throw APIError.notFound }
        let body =
            request.body.isEmpty
            ? RunSavedQueryBody() : try JSONBody.decode(RunSavedQueryBody.self, from: request)
        let media = try AnswerMediaType.negotiate(request)
        let answer = try session.vault.runSavedQuery(
            name,
            analyst: Self.analyst(token),
            context: context.access,
            options: servedOptions(Self.tokenOptions(token, try body.query.options()))
        )
        return try answered(answer, as: media).regionsRead(answer.privacy.regions.map(\.region))
    }
}

extension SavedQueryError: HTTPResponseError {
    /// A malformed name is the caller's to fix (400), a taken one a conflict (409), an
    /// unknown one not found (404) — including another analyst's, which is never shown.
    public var status: Int {
        switch code {
        case .nameTaken: 409
        case .unknownQuery: 404
        default: 400
        }
    }
    public var publicMessage: String { message }
}
