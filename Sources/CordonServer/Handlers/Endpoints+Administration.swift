import CordonCore
import Foundation

struct StoresResponse: Encodable {
    var stores: [Vault.StoreCheck]
    var intact: Bool
}

struct CreateTokenBody: Decodable {
    var name: String
    var role: String
    var regions: [String]
}

/// The one response that carries a token secret: shown once, never stored.
struct IssuedTokenResponse: Encodable {
    var token: String
    var id: String
    var name: String
    var role: String
    var regions: [String]
}

extension Endpoints {
    /// `POST /v1/retention/run`: a sweep over every region (the token must cover all).
    func runRetention(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        for region in session.vault.regionIDs { try authorize(context, region: region) }
        return try HTTPResponse.json(try session.vault.runRetention(context: context.access)).audited()
    }

    /// `GET /v1/stores/verify`: authenticate every page of the token's regions' stores.
    func verifyStores(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let regions = session.vault.regionIDs.filter { permits(context, region: $0) }
        let checks = try session.vault.verifyStores(regions, context: context.access)
        return try HTTPResponse.json(StoresResponse(stores: checks, intact: checks.allSatisfy(\.intact))).audited()
    }

    /// `GET /v1/tokens`.
    func listTokens(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        try HTTPResponse.json(["tokens": try context.requireSession().tokens.list()])
    }

    /// `POST /v1/tokens`: the secret is in this response only. An admin can only grant
    /// regions it holds itself.
    func createToken(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        let body = try JSONBody.decode(CreateTokenBody.self, from: request)
        guard let role = TokenRole(rawValue: body.role) else {
            throw APIError.badRequest(
                "role must be one of \(TokenRole.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard let scope = TokenScope(parsing: body.regions.joined(separator: ",")) else {
            throw APIError.badRequest("regions must name at least one region, or [\"*\"] for every region")
        }
        switch scope {
        case .allRegions:
            guard try context.requireToken().scope == .allRegions else {
                throw APIError.regionNotPermitted("*")
            }
        case .regions(let regions):
            for region in regions.sorted() where session.vault.configuration.regions[region] != nil {
                try authorize(context, region: region)
            }
        }
        let issued = try session.tokens.create(name: body.name, role: role, scope: scope, context: context.access)
        return try HTTPResponse.json(
            IssuedTokenResponse(
                token: issued.secret,
                id: issued.token.id,
                name: issued.token.name,
                role: role.rawValue,
                regions: scope.names
            ),
            status: 201
        ).audited()
    }

    /// `DELETE /v1/tokens/{id}`.
    func revokeToken(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        guard let id = context.parameter("id") else { throw APIError.notFound }
        return try HTTPResponse.json(try session.tokens.revoke(id: id, context: context.access)).audited()
    }

    /// `GET /metrics`: Prometheus text.
    func metricsText(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        HTTPResponse.text(metrics.render(vault: context.session?.vault), contentType: "text/plain; version=0.0.4")
    }
}
