import Glibc

/// A `sockaddr_in` or `sockaddr_in6` for a ``BindAddress``, held in a `sockaddr_storage`
/// so one pointer type reaches `bind` and libmicrohttpd's `MHD_OPTION_SOCK_ADDR`.
struct SocketAddress {
    private var storage: sockaddr_storage
    /// The size of the address in `storage` (what `bind` takes as its length).
    let length: socklen_t

    init(_ address: BindAddress) {
        if address.isIPv6 {
            var ipv6 = sockaddr_in6()
            ipv6.sin6_family = sa_family_t(AF_INET6)
            ipv6.sin6_port = address.port.bigEndian
            withUnsafeMutableBytes(of: &ipv6.sin6_addr) { $0.copyBytes(from: address.octets) }
            (storage, length) = Self.stored(ipv6)
        } else {
            var ipv4 = sockaddr_in()
            ipv4.sin_family = sa_family_t(AF_INET)
            ipv4.sin_port = address.port.bigEndian
            withUnsafeMutableBytes(of: &ipv4.sin_addr) { $0.copyBytes(from: address.octets) }
            (storage, length) = Self.stored(ipv4)
        }
    }

    /// `address` copied into a `sockaddr_storage`, and its size.
    private static func stored<Address>(_ address: Address) -> (sockaddr_storage, socklen_t) {
        var storage = sockaddr_storage()
        withUnsafeBytes(of: address) { source in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) } }
        return (storage, socklen_t(MemoryLayout<Address>.size))
    }

    /// Runs `body` with a pointer to the address, valid only inside `body`.
    mutating func withPointer<Result>(_ body: (UnsafeMutablePointer<sockaddr>) throws -> Result) rethrows -> Result {
        try withUnsafeMutablePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1, body)
        }
    }

    /// Why this machine cannot listen on the IPv6 `address` (the kernel has no IPv6, or
    /// not that address), or `nil` when a socket binds to it. Probes with port 0, so a
    /// port in use is not mistaken for missing IPv6.
    static func ipv6Problem(_ address: BindAddress) -> String? {
        let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        var probe = SocketAddress(BindAddress(octets: address.octets, port: 0))
        let length = probe.length
        // errno is read right after the call that set it, before anything else can reset it.
        let failure: Int32? = probe.withPointer { Glibc.bind(descriptor, $0, length) == 0 ? nil : errno }
        return failure.map { String(cString: strerror($0)) }
    }

    /// A peer's address as text, and whether it is `127.0.0.0/8` or `::1` (an IPv4 client of
    /// a dual-stack socket arrives as `::ffff:a.b.c.d`).
    static func describe(_ address: UnsafePointer<sockaddr>) -> (text: String, isLoopback: Bool) {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                var raw = pointer.pointee.sin_addr
                _ = inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                return (presentation(text), UInt32(bigEndian: raw.s_addr) >> 24 == 127)
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                var raw = pointer.pointee.sin6_addr
                _ = inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                // `::1`, or an IPv4 loopback client of a dual-stack socket (`::ffff:127.x.y.z`).
                let isLoopback = withUnsafeBytes(of: raw) { bytes in
                    (bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1)
                        || (bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
                            && bytes[12] == 127)
                }
                return (presentation(text), isLoopback)
            }
        default:
            return ("unknown", false)
        }
    }

    /// The text `inet_ntop` wrote into `buffer` (up to its terminating NUL).
    private static func presentation(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
