public import CordonCrypto

/// An error that chooses its HTTP status and a body safe to show (STYLE item 5).
///
/// Only errors conforming to this protocol reach the client with their own message; any
/// other error becomes `500 internal` with nothing but the request id, so stack traces,
/// SQL, file paths and key material never leave the server.
public protocol HTTPResponseError: Error {
    /// The HTTP status.
    var status: Int { get }
    /// A stable machine-readable code (`subject_not_found`, `rate_limited`, ...).
    var errorCode: String { get }
    /// A sentence safe to send to the client.
    var publicMessage: String { get }
    /// Extra response headers (`Retry-After`, `Allow`).
    var responseHeaders: [(name: String, value: String)] { get }
}

extension HTTPResponseError {
    public var responseHeaders: [(name: String, value: String)] { [] }
}

extension HTTPResponseError where Self: CordonError {
    /// A Cordon error's stable code is its HTTP error code, unless it chooses another.
    public var errorCode: String { code.name }
}

/// The JSON body of every error: `{"code": ..., "message": ..., "requestId": ...}`.
struct ErrorBody: Encodable {
    var code: String
    var message: String
    var requestId: String
}

extension HTTPResponse {
    /// The response for any error: its own status and message if it opts in, otherwise
    /// an opaque 500.
    static func error(_ error: any Error, requestID: String) -> HTTPResponse {
        if let misdirected = error as? MisdirectedRequest,
            var response = try? HTTPResponse.json(misdirected.body(requestID: requestID), status: misdirected.status)
        {
            response.errorCode = misdirected.errorCode
            return response
        }
        let status: Int
        let code: String
        let message: String
        var headers: [(name: String, value: String)] = []
        if let error = error as? any HTTPResponseError {
            (status, code, message, headers) = (
                error.status, error.errorCode, error.publicMessage, error.responseHeaders
            )
        } else {
            (status, code, message) = (500, "internal", "the request failed; quote the request id to the operator")
        }
        var response =
            (try? HTTPResponse.json(ErrorBody(code: code, message: message, requestId: requestID), status: status))
            ?? HTTPResponse(status: status)
        response.headers += headers
        response.errorCode = code
        return response
    }
}
