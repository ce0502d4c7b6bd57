import Foundation
import Glibc

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A minimal client for the end-to-end tests: URLSession for ordinary requests, a raw
/// socket for a client that stalls.
struct HTTPClient: Sendable {
    let port: UInt16

    func send(
        _ method: String,
        _ path: String,
        token: String? = nil,
        body: String? = nil,
        contentType: String? = nil
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if let body { request.httpBody = Data(body.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        let headers = http.allHeaderFields.map { (name: "\($0.key)", value: "\($0.value)") }
        return Reply(status: http.statusCode, headers: headers, body: Array(data))
    }

    /// Opens a connection, sends `prefix` and then nothing; returns the seconds until the
    /// server closed the connection (or `nil` if it did not within `limit`).
    func secondsUntilClosed(afterSending prefix: String, limit: Double) -> Double? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        _ = prefix.withCString { Glibc.send(fd, $0, strlen($0), 0) }
        var timeout = timeval(tv_sec: Int(limit), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let started = Date()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 || (count < 0 && errno != EINTR && errno != EAGAIN) {
                return Date().timeIntervalSince(started)
            }
            if count < 0 { return nil }  // receive timeout: still open
        }
    }
}
