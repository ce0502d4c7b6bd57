import Foundation

/// The header checks that keep a request unambiguous, run before anything reads its body:
/// every host and every component between client and Cordon must agree on where the body
/// ends and on who is calling. A request they might disagree about is refused with `400`
/// and a stable code (RFC 9112 § 6.3 asks for exactly this).
///
/// libmicrohttpd 0.9.75 itself takes the first of several `Content-Length` fields, lets
/// `Transfer-Encoding` override `Content-Length`, and, for a coding other than `chunked`
/// (such as `gzip, chunked`), waits for the client to close the connection (held until the
/// idle timeout). The libmicrohttpd host therefore runs this check on the first call of its
/// access handler, before libmicrohttpd reads any body; the API runs it again for requests
/// made in-process.
public enum RequestFraming {
    /// Fields that must appear at most once.
    static let singletons = ["authorization", "content-type", "host"]

    /// The problem with `fields`, or `nil` when the request is unambiguous.
    public static func problem(in fields: [(name: String, value: String)]) -> APIError? {
        func values(_ name: String) -> [String] {
            fields.filter { $0.name.lowercased() == name }.map { $0.value.trimmingCharacters(in: [" ", "\t"]) }
        }
        for name in singletons where values(name).count > 1 {
            return APIError(
                status: 400,
                code: "repeated_header",
                message: "the \(displayName(name)) header appears more than once; send it once"
            )
        }
        let lengths = values("content-length")
        if lengths.count > 1 || lengths.contains(where: { $0.contains(",") }) {
            return APIError(
                status: 400,
                code: "ambiguous_content_length",
                message: "send exactly one Content-Length header with one value"
            )
        }
        let codings = values("transfer-encoding")
        guard !codings.isEmpty else { return nil }
        if !lengths.isEmpty {
            return APIError(
                status: 400,
                code: "content_length_with_transfer_encoding",
                message: "send either Content-Length or Transfer-Encoding: chunked, not both"
            )
        }
        if codings.count > 1 || codings[0].lowercased() != "chunked" {
            return APIError(
                status: 400,
                code: "unsupported_transfer_encoding",
                message: "the only transfer coding accepted is Transfer-Encoding: chunked"
            )
        }
        return nil
    }

    private static func displayName(_ name: String) -> String {
        name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "-")
    }
}

/// Refuses ambiguous requests (``RequestFraming``) before routing, authentication or any
/// handler sees them; the refusal is audited like any other.
struct FramingMiddleware: Middleware {
    func handle(_ request: HTTPRequest, context: RequestContext, next: any Responder) throws -> HTTPResponse {
        if let problem = RequestFraming.problem(in: request.headerFields) { throw problem }
        return try next.respond(to: request, context: context)
    }
}
