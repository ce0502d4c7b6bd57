import Foundation

/// One request's state across libmicrohttpd's access-handler calls (kept in `*con_cls`).
/// Used only by the worker thread that owns the connection, one call at a time.
final class ConnectionState {
    var body: [UInt8] = []
    var bodyTooLarge = false
    /// The header fields and query arguments, collected once on the first call (they are
    /// complete by then) and reused when the request is answered.
    var collected = CollectedValues()
}

/// Header fields (in order, repeats kept) and query arguments of a request.
struct CollectedValues {
    var headers: [(name: String, value: String)] = []
    var arguments: [String: String] = [:]
}

/// A response body handed to libmicrohttpd without copying it: the box keeps the body
/// alive until libmicrohttpd has sent it and calls its free callback, which zeroes a body
/// holding personal data before its memory goes back to the allocator.
///
/// The box holds the only reference to the array and mutates it only in the release
/// callback, after libmicrohttpd's last read, so the array's storage neither moves nor is
/// freed while libmicrohttpd reads from it.
final class ResponseBody {
    var bytes: [UInt8]
    let holdsPersonalData: Bool
    let baseAddress: UnsafeMutableRawPointer?

    init(_ bytes: [UInt8], holdsPersonalData: Bool) {
        self.bytes = bytes
        self.holdsPersonalData = holdsPersonalData
        baseAddress = self.bytes.withUnsafeBytes { UnsafeMutableRawPointer(mutating: $0.baseAddress) }
    }
}
