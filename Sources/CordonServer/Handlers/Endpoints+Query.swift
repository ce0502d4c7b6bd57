import CordonCore
import Foundation

struct QueryBody: Decodable {
    var sql: String
    var purpose: String
    /// `auto` (default: Laplace, the selecting count on the Gaussian where that lowers the
    /// release threshold; decision 0014), `laplace` or `gaussian`.
    var mechanism: String?
    /// Plan only: no data read, no budget spent.
    var explain: Bool?
    /// ε to spend per region (finite, > 0); default the policy's ε per query.
    var epsilon: Double?
    /// Groups one subject may reach (> 0); default the catalog's.
    var maxGroupsPerSubject: Int?
    /// Rows one subject may add to a group (> 0); default the catalog's.
    var maxRowsPerGroup: Int?
    /// The group size, in people, to release from with probability ≥ 50% (> 0): the count
    /// that selects groups takes only the ε that needs. Default: ε shared evenly.
    var releaseThreshold: Int?

    /// The options this body asks for, or the field that is malformed.
    func options() throws -> QueryOptions {
        var options = QueryOptions()
        switch mechanism ?? "auto" {
        case "auto": options.mechanism = nil
        case "laplace": options.mechanism = .laplace
        case "gaussian": options.mechanism = .gaussian
        default: throw APIError.badRequest("mechanism must be auto, laplace or gaussian")
        }
        if let epsilon {
            guard epsilon.isFinite, epsilon > 0 else {
                throw APIError.badRequest("epsilon must be a finite number greater than 0")
            }
            options.epsilon = epsilon
        }
        if let maxGroupsPerSubject {
            guard maxGroupsPerSubject > 0 else {
                throw APIError.badRequest("maxGroupsPerSubject must be a whole number greater than 0")
            }
            options.maxGroupsPerSubject = maxGroupsPerSubject
        }
        if let maxRowsPerGroup {
            guard maxRowsPerGroup > 0 else {
                throw APIError.badRequest("maxRowsPerGroup must be a whole number greater than 0")
            }
            options.maxRowsPerGroup = maxRowsPerGroup
        }
        if let releaseThreshold {
            guard releaseThreshold > 0 else {
                throw APIError.badRequest("releaseThreshold must be a whole number of people greater than 0")
            }
            options.releaseThreshold = releaseThreshold
        }
        return options
    }
}

extension Endpoints {
    /// `POST /v1/query`: the same JSON as `cordon query --format json` — or CSV for
    /// `Accept: text/csv`, a workbook for the xlsx media type (``AnswerExport``). The analyst
    /// is the token's name (so a rotated token keeps its budget); the query runs only in the
    /// token's regions and only for one of the token's purposes, and every query — answered,
    /// refused or over budget — is audited by the vault with its normalized text and privacy cost.
    func query(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        if let coordinator = configuration.coordinator { return try relayQuery(coordinator, request, context) }
        let session = try context.requireSession()
        let token = try context.requireToken()
        let body = try JSONBody.decode(QueryBody.self, from: request)
        let options = servedOptions(Self.tokenOptions(token, try body.options()))
        let purpose = Purpose(rawValue: body.purpose)
        if body.explain == true {
            _ = try AnswerMediaType.negotiate(request, offers: [.json])
            let plan = try session.vault.explain(
                body.sql,
                purpose: purpose,
                analyst: Self.analyst(token),
                context: context.access,
                options: options
            )
            return try HTTPResponse.json(plan).audited().regionsRead(plan.regions.map(\.region))
        }
        // Before anything runs: an Accept this endpoint cannot answer spends nothing.
        let media = try AnswerMediaType.negotiate(request)
        let answer = try session.vault.query(
            body.sql,
            purpose: purpose,
            analyst: Self.analyst(token),
            context: context.access,
            options: options
        )
        return try answered(answer, as: media).regionsRead(answer.privacy.regions.map(\.region))
    }

    /// `options` confined to the regions this node holds (decision 0024): a node's analyst
    /// queries read only its own stores.
    func servedOptions(_ options: QueryOptions) -> QueryOptions {
        guard let nodes = configuration.nodes else { return options }
        var options = options
        options.permittedRegions = (options.permittedRegions ?? nodes.served).intersection(nodes.served)
        return options
    }

    /// An answer in the negotiated media type, its ε counted in the metrics when spent.
    func answered(_ answer: QueryAnswer, as media: AnswerMediaType) throws -> HTTPResponse {
        if !answer.privacy.cached {
            metrics.recordEpsilonSpent(answer.privacy.epsilonSpent.compactMapValues(Double.init))
        }
        return try media.response(answer).audited()
    }

    /// `options` bounded by the token: its regions and its purposes.
    static func tokenOptions(_ token: APIToken, _ options: QueryOptions) -> QueryOptions {
        var options = options
        if case .regions(let regions) = token.scope { options.permittedRegions = regions }
        options.permittedPurposes = Set(token.purposes)
        return options
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
