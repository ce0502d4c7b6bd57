/// Turns every error below it into a JSON error response, so the audit and metrics
/// middleware above always see a status. Errors that do not opt into HTTP become an
/// opaque `500 internal` (STYLE item 5).
struct ErrorMiddleware: Middleware {
    func handle(_ request: HTTPRequest, context: RequestContext, next: any Responder) throws -> HTTPResponse {
        do {
            return try next.respond(to: request, context: context)
        } catch {
            return HTTPResponse.error(error, requestID: context.requestID)
        }
    }
}
