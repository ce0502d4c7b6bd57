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
    /// Every header field in the order received, names as sent; a name may repeat (the
    /// framing check refuses the repetitions that make a request ambiguous).
    public var headerFields: [(name: String, value: String)] {
        didSet { headers = Self.combined(headerFields) }
    }
    /// Header values by lowercased name. A repeated field's values are joined with ", " as
    /// RFC 9110 § 5.3 combines them, so no repetition silently wins (a doubled
    /// `Authorization` never authenticates).
    public private(set) var headers: [String: String]
    /// The body, complete (bodies are bounded by ``ServerConfiguration/maximumBodyBytes``).
    public var body: [UInt8]
    /// Set by a host that stopped reading because the body passed the limit.
    public var bodyTooLarge: Bool
    /// The peer's IP address as text (`127.0.0.1`, `::1`); in-process requests come from
    /// ``inProcessAddress``.
    public var clientAddress: String
    /// Whether the peer's address is a loopback address (`127.0.0.0/8`, `::1`); in-process
    /// requests are.
    public var clientIsLoopback: Bool

    /// The address in-process requests come from.
    public static let inProcessAddress = "127.0.0.1"

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
        clientIsLoopback: Bool = true,
        clientAddress: String = HTTPRequest.inProcessAddress
    ) {
        self.init(
            method: method,
            target: target,
            headerFields: headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) },
            body: body,
            bodyTooLarge: bodyTooLarge,
            clientIsLoopback: clientIsLoopback,
            clientAddress: clientAddress
        )
    }

    /// A request with header fields as a list, so a test can repeat one as a client may.
    public init(
        method: String,
        target: String,
        headerFields: [(name: String, value: String)],
        body: [UInt8] = [],
        bodyTooLarge: Bool = false,
        clientIsLoopback: Bool = true,
        clientAddress: String = HTTPRequest.inProcessAddress
    ) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.init(
            method: method,
            path: (String(parts[0]).removingPercentEncoding ?? String(parts[0])),
            query: parts.count > 1 ? Self.parseQuery(String(parts[1])) : [:],
            headerFields: headerFields,
            body: body,
            bodyTooLarge: bodyTooLarge,
            clientAddress: clientAddress,
            clientIsLoopback: clientIsLoopback
        )
    }

    /// A request from parts a host already decoded.
    public init(
        method: String,
        path: String,
        query: [String: String],
        headerFields: [(name: String, value: String)],
        body: [UInt8],
        bodyTooLarge: Bool,
        clientAddress: String,
        clientIsLoopback: Bool
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headerFields = headerFields
        self.headers = Self.combined(headerFields)
        self.body = body
        self.bodyTooLarge = bodyTooLarge
        self.clientAddress = clientAddress
        self.clientIsLoopback = clientIsLoopback
    }

    /// Every value of the header `name` (case-insensitive), in order.
    public func values(of name: String) -> [String] {
        headerFields.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
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

    /// Fields by lowercased name, repeated values joined with ", ".
    private static func combined(_ fields: [(name: String, value: String)]) -> [String: String] {
        var headers: [String: String] = [:]
        for field in fields {
            let name = field.name.lowercased()
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        return headers
    }
}
