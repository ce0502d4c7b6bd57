import CordonCore
import Foundation

/// Resolves `Authorization: Bearer <secret>` to a token on routes that need one: `401
/// unauthenticated` without a token, `401 invalid_token` for an unknown or revoked one.
/// While the vault is sealed, token routes answer `503 sealed` (tokens live in the
/// encrypted control store).
struct AuthenticationMiddleware: Middleware {
    func handle(_ request: HTTPRequest, context: RequestContext, next: any Responder) throws -> HTTPResponse {
        guard context.operation?.requiresToken == true else { return try next.respond(to: request, context: context) }
        let session = try context.requireSession()
        guard let header = request.headers["authorization"] else { throw APIError.unauthenticated }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthenticated }
        guard let token = try session.tokens.authenticate(String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw APIError.invalidToken
        }
        context.token = token
        return try next.respond(to: request, context: context)
    }
}
