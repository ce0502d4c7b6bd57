import CordonCore
import CordonCrypto
import Foundation

/// One HTTP response: status, headers and a complete body.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields in order (names as sent).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Set by handlers whose vault operation already wrote the request's audit entry, so
    /// the audit middleware does not add an `http.request` entry for a success.
    var auditedByOperation = false
    /// The error code of an error response, for metrics and the audit entry.
    var errorCode: String?
    /// Whether the body carries a subject's personal data (an export): a host zeroes such a
    /// body once it has been handed to the network layer.
    public internal(set) var holdsPersonalData = false
    /// Whether an idempotent ingest may keep this response for replay: every line has its
    /// final answer (none waits for a region to come back).
    var isFinal = true

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header (case-insensitive name).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// A JSON body (sorted keys, no escaped slashes).
    public static func json(_ value: some Encodable, status: Int = 200) throws -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [("Content-Type", "application/json")],
            body: Array(try JSONBody.encoder.encode(value))
        )
    }

    /// A JSON body that carries personal data (``holdsPersonalData``): the encoder's output is
    /// zeroed (``SecureMemory``) once copied into the body, so only the body itself remains.
    static func personalDataJSON(_ value: some Encodable) throws -> HTTPResponse {
        var encoded = try JSONBody.encoder.encode(value)
        defer { SecureMemory.zero(&encoded) }
        var response = HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(encoded))
        response.holdsPersonalData = true
        return response
    }

    /// A plain-text body.
    public static func text(
        _ text: String,
        status: Int = 200,
        contentType: String = "text/plain; charset=utf-8"
    )
        -> HTTPResponse
    {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    /// This response with `Cordon-Regions-Read`: the regions whose stores the answer read, in
    /// id order (on a region node, only its own; decision 0024).
    func regionsRead(_ regions: [RegionID]) -> HTTPResponse {
        var copy = self
        copy.headers.append(("Cordon-Regions-Read", Set(regions).sorted().map(\.rawValue).joined(separator: ",")))
        return copy
    }

    /// This response, marked as audited by the vault operation that produced it.
    func audited(_ audited: Bool = true) -> HTTPResponse {
        var copy = self
        copy.auditedByOperation = audited
        return copy
    }
}

/// The JSON coders of the API: one configuration for every endpoint.
enum JSONBody {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The deepest nesting of objects and arrays a request body may have. No endpoint's
    /// body nests more than three levels; the bound is checked before Foundation's decoder
    /// (itself recursive) sees the body.
    static let maximumDepth = 16

    /// Decodes a request body, or throws `400 malformed_json` naming no value.
    static func decode<T: Decodable>(_ type: T.Type, from request: HTTPRequest) throws -> T {
        guard request.mediaType == "application/json" else {
            throw APIError.unsupportedMediaType(expected: "application/json")
        }
        guard !depth(of: request.body, exceeds: maximumDepth) else {
            throw APIError(
                status: 400,
                code: "malformed_json",
                message: "the body nests objects and arrays deeper than \(maximumDepth) levels"
            )
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(request.body))
        } catch let error as DecodingError {
            // Foundation reports a number its field's type cannot hold (2.5 for a whole number,
            // 2^70) as invalid JSON with no path; the body parses, so say what is wrong.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
                (try? JSONSerialization.jsonObject(with: Data(request.body))) != nil
            {
                throw APIError(
                    status: 400,
                    code: "malformed_json",
                    message:
                        "a field holds a number its type cannot take: a fraction where a whole number is expected, or one out of range"
                )
            }
            throw APIError(status: 400, code: "malformed_json", message: Self.describe(error))
        }
    }

    /// Whether `body` opens more than `limit` objects and arrays inside one another
    /// (brackets inside strings do not count). One pass, no recursion.
    static func depth(of body: [UInt8], exceeds limit: Int) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in body {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return false
    }

    /// A sentence about a decoding failure: the JSON path and what was wrong, never a value.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty
                ? "the body" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is required"
        case .typeMismatch(_, let context): return "\(path(context.codingPath)) has the wrong type"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) must not be null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context.codingPath)) is invalid"
        @unknown default: return "the body is not valid JSON for this endpoint"
        }
    }
}
