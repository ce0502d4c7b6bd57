/// `413 body_too_large` past the configured body size. The libmicrohttpd host stops
/// buffering at the limit and flags the request, so a huge upload never sits in memory.
struct BodyLimitMiddleware: Middleware {
    let maximumBodyBytes: Int

    func handle(_ request: HTTPRequest, context: RequestContext, next: any Responder) throws -> HTTPResponse {
        if request.bodyTooLarge || request.body.count > maximumBodyBytes {
            throw APIError.bodyTooLarge(limit: maximumBodyBytes)
        }
        return try next.respond(to: request, context: context)
    }
}
