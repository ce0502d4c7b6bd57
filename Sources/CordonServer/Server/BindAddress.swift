import Glibc

/// An IPv4 or IPv6 address and port to listen on, parsed from `127.0.0.1:8080`,
/// `[::1]:8080` or `[::]:8443` (every IPv6 and IPv4 address: the host binds IPv6 sockets
/// dual-stack).
public struct BindAddress: Sendable, Equatable, CustomStringConvertible {
    /// The address in network order: four octets for IPv4, sixteen for IPv6.
    public var octets: [UInt8]
    /// 0 asks the system for a free port.
    public var port: UInt16

    /// `127.0.0.1:port`.
    public static func loopback(port: UInt16) -> BindAddress { BindAddress(octets: [127, 0, 0, 1], port: port) }

    /// `[::1]:port`.
    public static func ipv6Loopback(port: UInt16) -> BindAddress {
        BindAddress(octets: Array(repeating: 0, count: 15) + [1], port: port)
    }

    public init(octets: [UInt8], port: UInt16) {
        self.octets = octets
        self.port = port
    }

    /// Parses `a.b.c.d:port`, `[ipv6]:port` (`localhost:port` is `127.0.0.1`).
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            return nil
        }
        let host = text[..<colon]
        if host == "localhost" {
            self.init(octets: [127, 0, 0, 1], port: port)
            return
        }
        if host.hasPrefix("["), host.hasSuffix("]") {
            var address = in6_addr()
            guard inet_pton(AF_INET6, String(host.dropFirst().dropLast()), &address) == 1 else { return nil }
            self.init(octets: withUnsafeBytes(of: address) { Array($0) }, port: port)
            return
        }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        let octets = parts.compactMap { UInt8($0) }
        guard parts.count == 4, octets.count == 4 else { return nil }
        self.init(octets: octets, port: port)
    }

    /// Whether this is an IPv6 address.
    public var isIPv6: Bool { octets.count == 16 }

    /// Whether the address is in `127.0.0.0/8` or is `::1`.
    public var isLoopback: Bool { isIPv6 ? self == .ipv6Loopback(port: port) : octets.first == 127 }

    /// The IPv4 address serving the same clients an IPv6 one would, for a machine without
    /// IPv6: `0.0.0.0` for `::`, `127.0.0.1` for `::1`; `nil` for any other.
    public var ipv4Equivalent: BindAddress? {
        guard isIPv6 else { return nil }
        if isLoopback { return .loopback(port: port) }
        if octets.allSatisfy({ $0 == 0 }) { return BindAddress(octets: [0, 0, 0, 0], port: port) }
        return nil
    }

    public var description: String {
        guard isIPv6 else { return octets.map(String.init).joined(separator: ".") + ":\(port)" }
        var address = SocketAddress(self)
        return "[\(address.withPointer { SocketAddress.describe($0).text })]:\(port)"
    }
}
