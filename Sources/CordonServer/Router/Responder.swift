/// Anything that turns a request into a response: a route's handler, the router, or a
/// middleware chain (Hummingbird's `HTTPResponder`, synchronous because the vault is).
public protocol Responder: Sendable {
    /// The response to `request`; errors become JSON error responses further out.
    func respond(to request: HTTPRequest, context: RequestContext) throws -> HTTPResponse
}

/// A step around a responder: it may answer itself, change the context, or call `next`.
public protocol Middleware: Sendable {
    /// Handles `request`, usually by calling `next` and looking at its response.
    func handle(_ request: HTTPRequest, context: RequestContext, next: any Responder) throws -> HTTPResponse
}

/// Middleware applied in order around a final responder (the first is outermost).
struct MiddlewareChain: Responder {
    var middleware: [any Middleware]
    var responder: any Responder

    func respond(to request: HTTPRequest, context: RequestContext) throws -> HTTPResponse {
        try Link(middleware: middleware[...], responder: responder).respond(to: request, context: context)
    }

    /// The chain from one middleware on.
    private struct Link: Responder {
        var middleware: ArraySlice<any Middleware>
        var responder: any Responder

        func respond(to request: HTTPRequest, context: RequestContext) throws -> HTTPResponse {
            guard let first = middleware.first else { return try responder.respond(to: request, context: context) }
            return try first.handle(
                request,
                context: context,
                next: Link(middleware: middleware.dropFirst(), responder: responder)
            )
        }
    }
}

/// A closure as a responder (a route's handler).
struct ClosureResponder: Responder {
    let body: @Sendable (HTTPRequest, RequestContext) throws -> HTTPResponse

    func respond(to request: HTTPRequest, context: RequestContext) throws -> HTTPResponse {
        try body(request, context)
    }
}
