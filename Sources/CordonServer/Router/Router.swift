/// Matches a request to a route by path and method, answering `404 not_found` and
/// `405 method_not_allowed` (with `Allow`) as JSON, then runs the route middleware
/// (authentication, limits, authorization) and the route's handler.
///
/// ```swift
/// var router = Router()
/// router.add("GET", "/v1/regions", operation: .policyRead) { request, context in
///     try .json(["regions": ["eu"]])
/// }
/// ```
public struct Router: Responder {
    /// Routes in registration order.
    public private(set) var routes: [Route] = []
    /// Middleware run after a route matched, before its handler (first is outermost).
    var routeMiddleware: [any Middleware] = []

    public init() {}

    /// Registers a handler for `method` on `template`.
    public mutating func add(
        _ method: String,
        _ template: String,
        operation: Operation,
        audited: Bool = true,
        _ handler: @escaping @Sendable (HTTPRequest, RequestContext) throws -> HTTPResponse
    ) {
        routes.append(
            Route(
                method: method,
                pattern: RoutePattern(template),
                operation: operation,
                isAudited: audited,
                responder: ClosureResponder(body: handler)
            )
        )
    }

    /// Gives every route of `operations` to `handler` as a route without a token (a
    /// coordinator's `421` for routes that concern a person, decision 0027): the reply names
    /// only the nodes, which `GET /v1/regions` publishes, and nothing of the request is kept.
    mutating func redirect(
        _ operations: Set<Operation>,
        to handler: @escaping @Sendable (HTTPRequest, RequestContext) throws -> HTTPResponse
    ) {
        routes = routes.map { route in
            guard operations.contains(route.operation) else { return route }
            return Route(
                method: route.method,
                pattern: route.pattern,
                operation: .probe,
                isAudited: true,
                responder: ClosureResponder(body: handler)
            )
        }
    }

    /// Every `(method, template)` pair, for the OpenAPI contract test.
    public var endpoints: [(method: String, path: String)] { routes.map { ($0.method, $0.pattern.description) } }

    /// The route and parameters for a request, or the 404/405 error to answer with.
    func match(method: String, path: String) throws -> (Route, [String: String]) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !path.contains("//") else { throw APIError.notFound }
        let candidates = routes.compactMap { route in route.pattern.match(parts).map { (route, $0) } }
        guard !candidates.isEmpty else { throw APIError.notFound }
        // The most specific template that matches wins; among its methods, pick ours.
        let best = candidates.map(\.0.pattern.specificity).max()!
        let specific = candidates.filter { $0.0.pattern.specificity == best }
        let lookup = method == "HEAD" ? "GET" : method
        guard let found = specific.first(where: { $0.0.method == lookup }) else {
            throw APIError.methodNotAllowed(allowed: Array(Set(specific.map(\.0.method))).sorted())
        }
        return found
    }

    public func respond(to request: HTTPRequest, context: RequestContext) throws -> HTTPResponse {
        let (route, parameters) = try match(method: request.method, path: request.path)
        context.matched(route, parameters: parameters)
        return try MiddlewareChain(middleware: routeMiddleware, responder: route.responder).respond(
            to: request,
            context: context
        )
    }
}
