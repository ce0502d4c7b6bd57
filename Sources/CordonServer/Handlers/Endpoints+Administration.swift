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
    /// The purposes an analyst token may query (required for analysts, refused otherwise).
    var purposes: [String]?
}

/// The one response that carries a token secret: shown once, never stored.
struct IssuedTokenResponse: Encodable {
    var token: String
    var id: String
    var name: String
    var role: TokenRole
    var regions: [String]
    var purposes: [String]
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

    /// `GET /v1/tokens`: the tokens within the caller's regions only (an admin for `eu`
    /// does not see, and cannot act on, a token that also reaches another region).
    func listTokens(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let tokens = try context.requireSession().tokens.list().filter { mayActOn($0.scope, context) }
        return try HTTPResponse.json(["tokens": tokens])
    }

    /// `POST /v1/tokens`: the secret is in this response only. An admin can only grant
    /// regions it holds itself; an analyst token names the purposes it may query.
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
        let issued = try session.tokens.create(
            name: body.name,
            role: role,
            scope: scope,
            purposes: (body.purposes ?? []).map(Purpose.init(rawValue:)),
            context: context.access
        )
        return try HTTPResponse.json(
            IssuedTokenResponse(
                token: issued.secret,
                id: issued.token.id,
                name: issued.token.name,
                role: role,
                regions: scope.names,
                purposes: issued.token.purposes.map(\.rawValue)
            ),
            status: 201
        ).audited()
    }

    /// `DELETE /v1/tokens/{id}`: only a token within the caller's regions.
    func revokeToken(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        guard let id = context.parameter("id") else { throw APIError.notFound }
        let target = try session.tokens.token(id: id)
        try authorize(context, actingOn: target)
        return try HTTPResponse.json(try session.tokens.revoke(id: id, context: context.access)).audited()
    }

    /// Whether the caller may act on a token reaching `scope`: the policy must allow the
    /// route's operation in every region of it, and only an all-region token acts on an
    /// all-region one (it reaches regions added later too).
    func mayActOn(_ scope: TokenScope, _ context: RequestContext) -> Bool {
        guard let caller = context.token, caller.scope.contains(scope) else { return false }
        guard case .regions(let regions) = scope else { return true }
        return regions.allSatisfy { permits(context, region: $0) }
    }

    /// ``mayActOn(_:_:)`` or `403 region_not_permitted`; the target's regions are noted for
    /// the request's audit entry either way.
    func authorize(_ context: RequestContext, actingOn target: APIToken) throws {
        if case .regions(let regions) = target.scope {
            for region in regions { context.touch(region: region) }
        }
        guard mayActOn(target.scope, context) else {
            let reach = target.scope == .allRegions ? "every region" : "regions \(target.scope)"
            throw APIError(
                status: 403,
                code: "region_not_permitted",
                message:
                    "token \(target.id) reaches \(reach), beyond this token's (\(context.token?.scope.description ?? "none")): a token with fewer regions cannot act on one with more"
            )
        }
    }

    /// `GET /metrics`: Prometheus text.
    func metricsText(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        HTTPResponse.text(metrics.render(vault: context.session?.vault), contentType: "text/plain; version=0.0.4")
    }
}
