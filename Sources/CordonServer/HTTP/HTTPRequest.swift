import Foundation

/// One HTTP request as the router sees it, whichever host received it (libmicrohttpd or a
/// test calling ``CordonAPI/respond(to:)`` in-process).
public struct HTTPRequest: Sendable {
    /// The method as sent (`GET`, `POST`, ...).
    public var method: String
    /// The path without the query string, percent-decoded by the host.
    public var path: String
    /// Query arguments (the last value wins for a repeated name).
    public var query: [String: String]
    /// Header fields by lowercased name.
    public var headers: [String: String]
    /// The body, complete (bodies are bounded by ``ServerConfiguration/maximumBodyBytes``).
    public var body: [UInt8]
    /// Set by a host that stopped reading because the body passed the limit.
    public var bodyTooLarge: Bool
    /// Whether the peer's address is a loopback address (`127.0.0.0/8`, `::1`); in-process
    /// requests are.
    public var clientIsLoopback: Bool

    /// A request; `target` is the path with an optional `?query`.
    ///
    /// ```swift
    /// let request = HTTPRequest(method: "GET", target: "/v1/subjects/lookup?email=a%40example.com",
    ///                           headers: ["authorization": "Bearer cordon_..."])
    /// ```
    public init(
        method: String,
        target: String,
        headers: [String: String] = [:],
        body: [UInt8] = [],
        bodyTooLarge: Bool = false,
        clientIsLoopback: Bool = true
    ) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.init(
            method: method,
            path: (String(parts[0]).removingPercentEncoding ?? String(parts[0])),
            query: parts.count > 1 ? Self.parseQuery(String(parts[1])) : [:],
            headers: Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 }),
            body: body,
            bodyTooLarge: bodyTooLarge,
            clientIsLoopback: clientIsLoopback
        )
    }

    /// A request from parts a host already decoded.
    public init(
        method: String,
        path: String,
        query: [String: String],
        headers: [String: String],
        body: [UInt8],
        bodyTooLarge: Bool,
        clientIsLoopback: Bool
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.bodyTooLarge = bodyTooLarge
        self.clientIsLoopback = clientIsLoopback
    }

    /// The media type of the body without parameters, lowercased (`application/json`).
    public var mediaType: String? {
        headers["content-type"].map {
            $0.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                ?? ""
        }
    }

    /// `application/x-www-form-urlencoded`-style query parsing (`+` is a space).
    static func parseQuery(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }
}
