import CordonServer
import Foundation
import Glibc
import Testing

/// The libmicrohttpd host: it owns its daemon, and listens on IPv6 as well as IPv4.
@Suite("MicroHTTPD host")
struct MicroHTTPDHostTests {
    @Test func aReleasedHostStopsListening() throws {
        let fixture = try ServerFixture()
        var port: UInt16 = 0
        do {
            let host = try MicroHTTPDHost(api: fixture.api)
            port = host.port
            let request = RawHTTPClient.request(["GET /healthz HTTP/1.1", "Host: localhost", "Connection: close"])
            withExtendedLifetime(host) {
                #expect(RawHTTPClient(port: port).exchange(request).status == 200)
            }
        }
        // No stop(): deinit closed the listening socket and joined the workers.
        #expect(PlainSocket.connects(to: .loopback(port: port)) == false)
    }

    @Test(
        .enabled(if: PlainSocket.loopbackAvailable, "this machine has no IPv6 loopback (::1); the IPv6 test is skipped")
    )
    func servesOverIPv6Loopback() throws {
        let fixture = try ServerFixture { $0.bind = .ipv6Loopback(port: 0) }
        let host = try MicroHTTPDHost(api: fixture.api)
        defer { host.stop(grace: 0) }
        #expect(host.address.isIPv6)
        #expect(host.address.description == "[::1]:\(host.port)")
        let response = try #require(PlainSocket.get("/healthz", port: host.port))
        #expect(response.hasPrefix("HTTP/1.1 200"), "\(response)")
        #expect(response.lowercased().contains("x-request-id: "))
    }

    @Test func anIPv6AddressOtherThanLoopbackNeedsTLS() throws {
        let fixture = try ServerFixture { $0.bind = BindAddress(parsing: "[::]:0")! }
        #expect(throws: HostError.self) { try MicroHTTPDHost(api: fixture.api) }
    }

    @Test(
        arguments: [
            ("[::1]:8080", "[::1]:8080", true, "127.0.0.1:8080"),
            ("[::]:8443", "[::]:8443", false, "0.0.0.0:8443"),
            ("[2001:db8::7]:80", "[2001:db8::7]:80", false, nil),
            ("127.0.0.1:8080", "127.0.0.1:8080", true, nil),
            ("localhost:0", "127.0.0.1:0", true, nil),
        ] as [(String, String, Bool, String?)]
    )
    func bindAddressesParseIPv4AndBracketedIPv6(
        text: String,
        description: String,
        loopback: Bool,
        ipv4: String?
    )
        throws
    {
        let address = try #require(BindAddress(parsing: text))
        #expect(address.description == description)
        #expect(address.isLoopback == loopback)
        #expect(address.ipv4Equivalent?.description == ipv4)
    }

    @Test(arguments: ["::1:8080", "[::1]", "[::1:8080", "[not-an-address]:80", "1.2.3:80", "[::1]:70000"])
    func malformedBindAddressesAreRefused(text: String) {
        #expect(BindAddress(parsing: text) == nil)
    }
}

/// Plain sockets for what ``RawHTTPClient`` (IPv4) cannot do.
enum PlainSocket {
    /// Whether a socket can bind `::1` here.
    static let loopbackAvailable: Bool = {
        let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }()

    /// Whether a TCP connection to the IPv4 `address` succeeds.
    static func connects(to address: BindAddress) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var ipv4 = sockaddr_in()
        ipv4.sin_family = sa_family_t(AF_INET)
        ipv4.sin_port = address.port.bigEndian
        ipv4.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &ipv4) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// The raw response to `GET path` over `[::1]:port`, or `nil` when no connection.
    static func get(_ path: String, port: UInt16) -> String? {
        let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = port.bigEndian
        address.sin6_addr = in6addr_loopback
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
        guard connected else { return nil }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET \(path) HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n".utf8)
        guard send(descriptor, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return nil }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
