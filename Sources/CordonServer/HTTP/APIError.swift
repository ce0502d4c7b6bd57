/// The server's own refusals: each with a stable code, a status and a safe message.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: Int
    public var errorCode: String
    public var publicMessage: String
    public var responseHeaders: [(name: String, value: String)]

    public init(status: Int, code: String, message: String, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.errorCode = code
        self.publicMessage = message
        self.responseHeaders = headers
    }

    public var description: String { "\(status) \(errorCode): \(publicMessage)" }

    static let notFound = APIError(status: 404, code: "not_found", message: "no such endpoint; see openapi.json")
    static func methodNotAllowed(allowed: [String]) -> APIError {
        APIError(
            status: 405,
            code: "method_not_allowed",
            message: "this endpoint accepts \(allowed.joined(separator: ", "))",
            headers: [("Allow", allowed.joined(separator: ", "))]
        )
    }
    static let unauthenticated = APIError(
        status: 401,
        code: "unauthenticated",
        message: "send a bearer token: Authorization: Bearer cordon_...",
        headers: [("WWW-Authenticate", "Bearer realm=\"cordon\"")]
    )
    static let invalidToken = APIError(
        status: 401,
        code: "invalid_token",
        message: "the bearer token is unknown, malformed or revoked",
        headers: [("WWW-Authenticate", "Bearer realm=\"cordon\", error=\"invalid_token\"")]
    )
    static func forbidden(_ message: String) -> APIError { APIError(status: 403, code: "forbidden", message: message) }
    static func regionNotPermitted(_ region: String) -> APIError {
        APIError(status: 403, code: "region_not_permitted", message: "this token may not access region \(region)")
    }
    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: 413, code: "body_too_large", message: "the body is larger than \(limit) bytes")
    }
    static func tooManyLines(limit: Int) -> APIError {
        APIError(status: 413, code: "too_many_lines", message: "a batch holds at most \(limit) lines; split it")
    }
    static func unsupportedMediaType(expected: String) -> APIError {
        APIError(status: 415, code: "unsupported_media_type", message: "send Content-Type: \(expected)")
    }
    static func rateLimited(retryAfter seconds: Int) -> APIError {
        APIError(
            status: 429,
            code: "rate_limited",
            message: "too many requests for this token; retry after \(seconds) s",
            headers: [("Retry-After", String(seconds))]
        )
    }
    static func badRequest(_ message: String) -> APIError {
        APIError(status: 400, code: "invalid_request", message: message)
    }
    static let sealed = APIError(
        status: 503,
        code: "sealed",
        message: "the vault is sealed; unseal it with POST /v1/unseal from the server's host"
    )
    static let auditUnavailable = APIError(
        status: 503,
        code: "audit_unavailable",
        message: "the audit trail cannot record requests; nothing was served"
    )
    static let shuttingDown = APIError(status: 503, code: "shutting_down", message: "the server is stopping")
}
