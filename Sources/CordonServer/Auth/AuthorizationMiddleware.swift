/// Asks the ``AuthorizationPolicy`` whether the token's role may perform the route's
/// operation at all (`403 forbidden`); handlers ask again per region.
struct AuthorizationMiddleware: Middleware {
    let policy: any AuthorizationPolicy

    func handle(_ request: HTTPRequest, context: RequestContext, next: any Responder) throws -> HTTPResponse {
        if let operation = context.operation, operation.requiresToken {
            try policy.decide(try context.requireToken(), operation: operation, region: nil).enforce()
        }
        return try next.respond(to: request, context: context)
    }
}
