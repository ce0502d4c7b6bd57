import Foundation
import Glibc

/// Sends bytes exactly as given over a fresh TCP connection and reads one response: for
/// requests no well-behaved client library would send (repeated headers, conflicting
/// framing, fuzzed bytes).
struct RawHTTPClient: Sendable {
    let port: UInt16

    struct Response: Sendable {
        /// `nil` when the server closed or timed out without a status line.
        var status: Int?
        var headers: [(name: String, value: String)]
        var body: [UInt8]
        /// Seconds from sending to the complete response (or to giving up).
        var seconds: Double

        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
        var code: String? { json?["code"] as? String }
        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    /// Sends `request` from `source` (an IPv4 loopback address, default 127.0.0.1) and waits
    /// up to `timeout` seconds for a complete response (its head only, for `HEAD`).
    func exchange(
        _ request: [UInt8],
        from source: String = "127.0.0.1",
        timeout: Double = 10,
        headOnly: Bool = false
    ) -> Response {
        let started = Date()
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        _ = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return Response(status: nil, headers: [], body: [], seconds: 0) }
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }
            sent += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while Date().timeIntervalSince(started) < timeout {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let remaining = Int32(max(1, (timeout - Date().timeIntervalSince(started)) * 1000))
            guard poll(&poller, 1, remaining) > 0 else { break }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
            if let response = Self.parse(received), response.complete || headOnly { break }
        }
        var response = Self.parse(received)?.response ?? Response(status: nil, headers: [], body: [], seconds: 0)
        response.seconds = Date().timeIntervalSince(started)
        return response
    }

    /// The final response parsed from `bytes` (interim `1xx` ones skipped), and whether its
    /// body is complete by Content-Length.
    private static func parse(_ bytes: [UInt8]) -> (response: Response, complete: Bool)? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.dropLast(3).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
            return nil
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        if (100..<200).contains(status) { return parse(Array(bytes[(end + 4)...])) }
        var headers: [(name: String, value: String)] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            )
        }
        let body = Array(bytes[(end + 4)...])
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) }
        let response = Response(status: status, headers: headers, body: body, seconds: 0)
        return (response, length.map { body.count >= $0 } ?? false)
    }
}

extension RawHTTPClient {
    /// A request from lines joined with CRLF, a blank line, then `body`.
    static func request(_ lines: [String], body: String = "") -> [UInt8] {
        Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
    }
}
