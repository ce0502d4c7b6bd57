import CordonCore
import Foundation

struct QueryBody: Decodable {
    var sql: String
    var purpose: String
    /// `laplace` (default) or `gaussian`.
    var mechanism: String?
    /// Plan only: no data read, no budget spent.
    var explain: Bool?
}

extension Endpoints {
    /// `POST /v1/query`: the same JSON as `cordon query --format json`. The analyst is the
    /// token's name (so a rotated token keeps its budget); the query runs only in the
    /// token's regions and only for one of the token's purposes, and every query — answered, refused or over budget — is audited by
    /// the vault with its normalized text and privacy cost.
    func query(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let token = try context.requireToken()
        let body = try JSONBody.decode(QueryBody.self, from: request)
        var options = QueryOptions()
        switch body.mechanism ?? "laplace" {
        case "laplace": options.mechanism = .laplace
        case "gaussian": options.mechanism = .gaussian
        default: throw APIError.badRequest("mechanism must be laplace or gaussian")
        }
        if case .regions(let regions) = token.scope { options.permittedRegions = regions }
        options.permittedPurposes = Set(token.purposes)
        let purpose = Purpose(rawValue: body.purpose)
        if body.explain == true {
            let plan = try session.vault.explain(
                body.sql,
                purpose: purpose,
                analyst: Self.analyst(token),
                context: context.access,
                options: options
            )
            return try HTTPResponse.json(plan).audited()
        }
        let answer = try session.vault.query(
            body.sql,
            purpose: purpose,
            analyst: Self.analyst(token),
            context: context.access,
            options: options
        )
        if !answer.privacy.cached {
            metrics.recordEpsilonSpent(answer.privacy.epsilonSpent.compactMapValues(Double.init))
        }
        return try HTTPResponse.json(answer).audited()
    }

    /// The budget holder for a token (``APIToken/budgetHolder``): its name when that is a
    /// valid analyst name, else its id.
    static func analyst(_ token: APIToken) -> String { token.budgetHolder }

    /// `GET /v1/budget`: the calling analyst's budget per region of the token's scope.
    func budget(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let token = try context.requireToken()
        var report = try session.vault.budget(analyst: Self.analyst(token), context: context.access)
        report.regions = report.regions.filter { token.scope.permits(RegionID(rawValue: $0.region)) }
        return try HTTPResponse.json(report).audited()
    }
}
