/// An IPv4 address and port to listen on, parsed from `127.0.0.1:8080`.
public struct BindAddress: Sendable, Equatable, CustomStringConvertible {
    /// The four octets.
    public var octets: [UInt8]
    /// 0 asks the system for a free port.
    public var port: UInt16

    /// `127.0.0.1:port`.
    public static func loopback(port: UInt16) -> BindAddress { BindAddress(octets: [127, 0, 0, 1], port: port) }

    public init(octets: [UInt8], port: UInt16) {
        self.octets = octets
        self.port = port
    }

    /// Parses `a.b.c.d:port` (`localhost:port` is `127.0.0.1`).
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            return nil
        }
        let host = text[..<colon]
        if host == "localhost" {
            self.init(octets: [127, 0, 0, 1], port: port)
            return
        }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        let octets = parts.compactMap { UInt8($0) }
        guard parts.count == 4, octets.count == 4 else { return nil }
        self.init(octets: octets, port: port)
    }

    /// Whether the address is in `127.0.0.0/8`.
    public var isLoopback: Bool { octets.first == 127 }

    public var description: String { octets.map(String.init).joined(separator: ".") + ":\(port)" }
}
