import Foundation

/// Counts every request by route template, method and status, times it, and counts
/// refusals by error code. Outermost, so it sees the final status (audit failures too).
struct MetricsMiddleware: Middleware {
    let metrics: ServerMetrics

    func handle(_ request: HTTPRequest, context: RequestContext, next: any Responder) throws -> HTTPResponse {
        let started = ProcessInfo.processInfo.systemUptime
        let response = try next.respond(to: request, context: context)
        metrics.record(
            route: context.route ?? "unmatched",
            method: Self.label(method: request.method),
            status: response.status,
            seconds: ProcessInfo.processInfo.systemUptime - started,
            refusal: response.errorCode
        )
        return response
    }

    /// `method` when it is a known one, else `other` (bounded label cardinality).
    static func label(method: String) -> String { knownMethods.contains(method) ? method : "other" }

    /// Methods kept as labels; anything else is `other` (bounded label cardinality).
    private static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
}
