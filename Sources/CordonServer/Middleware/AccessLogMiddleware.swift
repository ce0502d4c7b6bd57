import CordonCore
import Foundation

/// Writes one access-log line per request at `info` under the label `cordon.access`:
/// request id, method, route template, token name, status, error code and latency.
///
/// The line names the route's template (`/v1/subjects/{id}`), never the path as sent, so
/// no subject id, email or other identifier from a path reaches the log; nor do the query
/// string, headers, bodies or the token itself — only the token's name, which an admin
/// chose when issuing it. Outermost, so the latency covers every middleware.
struct AccessLogMiddleware: Middleware {
    let logger: Logger

    func handle(_ request: HTTPRequest, context: RequestContext, next: any Responder) throws -> HTTPResponse {
        let started = ProcessInfo.processInfo.systemUptime
        do {
            let response = try next.respond(to: request, context: context)
            record(request, context, status: response.status, code: response.errorCode, since: started)
            return response
        } catch {
            let answer = HTTPResponse.error(error, requestID: context.requestID)
            record(request, context, status: answer.status, code: answer.errorCode, since: started)
            throw error
        }
    }

    private func record(_ request: HTTPRequest, _ context: RequestContext, status: Int, code: String?, since: Double) {
        guard logger.isEnabled(.info) else { return }
        let milliseconds = (ProcessInfo.processInfo.systemUptime - since) * 1000
        logger.info(
            "request",
            metadata: Self.metadata(
                request,
                context,
                status: status,
                code: code,
                milliseconds: milliseconds
            )
        )
    }

    /// The line's fields; only bounded values the server chose, never request text.
    static func metadata(
        _ request: HTTPRequest,
        _ context: RequestContext,
        status: Int,
        code: String?,
        milliseconds: Double
    ) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "request_id": .string(context.requestID),
            "method": .string(MetricsMiddleware.label(method: request.method)),
            "route": .string(context.route ?? "unmatched"),
            "status": .integer(status),
            "latency_ms": .double((milliseconds * 1000).rounded() / 1000),
        ]
        if let token = context.token {
            metadata["token"] = .string(token.name)
            metadata["role"] = .string(token.role.rawValue)
        }
        if let code { metadata["code"] = .string(code) }
        return metadata
    }
}
