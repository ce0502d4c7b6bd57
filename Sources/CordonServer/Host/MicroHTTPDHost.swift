internal import CMicroHTTPD
import CordonCore
import CordonCrypto
import Foundation
import Synchronization

/// Serves a ``CordonAPI`` over HTTP/1.1 (and TLS) with libmicrohttpd: an internal
/// thread pool on epoll, each worker running handlers synchronously (the vault is
/// synchronous and thread-safe). The only file of Cordon that imports `CMicroHTTPD`.
///
/// The host owns its daemon: ``stop(grace:)`` drains and stops it, and a host released
/// without being stopped stops it in `deinit`. An IPv6 address (`[::1]:8080`, `[::]:8443`)
/// is bound dual-stack, so `[::]` also serves IPv4 clients; where this machine has no IPv6,
/// `::1` and `::` fall back to `127.0.0.1` and `0.0.0.0` with a warning in the log.
///
/// Repeated header fields are treated explicitly before any body is read
/// (``RequestFraming``): a second `Authorization`, `Content-Type`, `Host` or
/// `Content-Length` is `400` with a code naming the problem; any other repeated field is
/// joined with `, ` (RFC 9110 § 5.3) in ``HTTPRequest/headers``, so a repeated
/// `X-Request-Id` is not well-formed and the server makes its own id.
///
/// ```swift
/// let host = try MicroHTTPDHost(api: api)
/// print("listening on", host.address)
/// host.stop()   // stop accepting, let in-flight requests finish, close connections
/// ```
public final class MicroHTTPDHost: Sendable {
    /// The port bound (the configured one, or the system's choice for port 0).
    public let port: UInt16
    /// The address listened on, with the port bound: the configured one, or its IPv4
    /// equivalent when IPv6 was asked for and is unavailable.
    public let address: BindAddress
    private let daemon: DaemonHandle
    private let context: Unmanaged<HostContext>
    private let api: CordonAPI
    private let stopped = Atomic<Bool>(false)

    /// Whether this libmicrohttpd was built with TLS (GnuTLS).
    public static var supportsTLS: Bool { MHD_is_feature_supported(MHD_FEATURE.FEATURE_TLS) == .YES }

    /// Whether this libmicrohttpd was built with IPv6.
    public static var supportsIPv6: Bool { MHD_is_feature_supported(MHD_FEATURE.feature_IPv6) == .YES }

    /// Starts listening. Refuses a non-loopback address without TLS.
    public init(api: CordonAPI) throws {
        let configuration = api.configuration
        guard configuration.bind.isLoopback || configuration.usesTLS else {
            throw HostError(
                "refusing to listen on \(configuration.bind) without TLS; pass --tls-cert and --tls-key, or bind 127.0.0.1"
            )
        }
        if configuration.usesTLS && !Self.supportsTLS {
            throw HostError("this libmicrohttpd was built without TLS support; TLS is unavailable")
        }
        let logger = configuration.logger.labeled("cordon.host")
        let address = try Self.usableAddress(configuration.bind, logger: logger)
        let context = Unmanaged.passRetained(HostContext(api: api, maximumBodyBytes: configuration.maximumBodyBytes))
        guard let handle = Self.startDaemon(configuration, address: address, context: context) else {
            context.release()
            throw HostError("cannot listen on \(address) (address in use, or not permitted)")
        }
        self.daemon = DaemonHandle(pointer: handle)
        self.context = context
        self.api = api
        self.port = cordon_mhd_bound_port(handle)
        self.address = BindAddress(octets: address.octets, port: port)
    }

    /// A host nobody stopped still closes its socket and joins its threads (requests
    /// being answered finish first), like every other owner of a C resource.
    deinit {
        stop(grace: 0)
    }

    /// Stops accepting connections, waits up to `grace` seconds for requests being
    /// answered, then closes every connection and joins the worker threads.
    /// Later calls do nothing.
    public func stop(grace: Double = 10) {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let listener = MHD_quiesce_daemon(daemon.pointer)
        if listener >= 0 { close(listener) }
        let deadline = Date().addingTimeInterval(grace)
        while api.requestsInFlight > 0 && Date() < deadline { usleep(10_000) }
        MHD_stop_daemon(daemon.pointer)
        context.release()
    }

    /// `address`, or for an IPv6 address this machine cannot listen on, its IPv4
    /// equivalent (logged as a warning); throws when it has none.
    static func usableAddress(_ address: BindAddress, logger: Logger) throws -> BindAddress {
        guard address.isIPv6 else { return address }
        let problem = supportsIPv6 ? SocketAddress.ipv6Problem(address) : "this libmicrohttpd was built without IPv6"
        guard let problem else { return address }
        guard let fallback = address.ipv4Equivalent else {
            throw HostError(
                "cannot listen on \(address): IPv6 is unavailable here (\(problem)); bind an IPv4 address such as 127.0.0.1:\(address.port)"
            )
        }
        logger.warning("IPv6 is unavailable here (\(problem)); listening on \(fallback) instead of \(address)")
        return fallback
    }

    /// Starts the daemon on `address`, or returns `nil` when libmicrohttpd cannot.
    private static func startDaemon(
        _ configuration: ServerConfiguration,
        address: BindAddress,
        context: Unmanaged<HostContext>
    ) -> OpaquePointer? {
        let key = configuration.tlsKeyPEM.map { strdup(String(decoding: $0, as: UTF8.self))! }
        let certificate = configuration.tlsCertificatePEM.map { strdup(String(decoding: $0, as: UTF8.self))! }
        defer {
            // libmicrohttpd hands the PEM text to GnuTLS while starting, which copies it.
            free(key)
            free(certificate)
        }
        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_USE_ITC.rawValue
        if configuration.usesTLS { flags |= MHD_USE_TLS.rawValue }
        // "Use a single socket for IPv4 and IPv6" (microhttpd.h, MHD_USE_DUAL_STACK): `::`
        // serves IPv4 clients too; a specific IPv6 address serves only itself.
        if address.isIPv6 { flags |= MHD_USE_DUAL_STACK.rawValue }
        var socketAddress = SocketAddress(address)
        return socketAddress.withPointer { pointer in
            var options = daemonOptions(configuration, address: pointer, key: key, certificate: certificate)
            return options.withUnsafeMutableBufferPointer { items in
                withVaList([MHD_OPTION.ARRAY.rawValue, items.baseAddress!, MHD_OPTION.END.rawValue]) { arguments in
                    MHD_start_daemon_va(flags, address.port, nil, nil, accessHandler, context.toOpaque(), arguments)
                }
            }
        }
    }

    /// The daemon's options, ending with `MHD_OPTION_END`.
    private static func daemonOptions(
        _ configuration: ServerConfiguration,
        address: UnsafeMutablePointer<sockaddr>,
        key: UnsafeMutablePointer<CChar>?,
        certificate: UnsafeMutablePointer<CChar>?
    ) -> [MHD_OptionItem] {
        let completed: MHD_RequestCompletedCallback = requestCompleted
        var options: [MHD_OptionItem] = [
            MHD_OptionItem(
                option: MHD_OPTION.THREAD_POOL_SIZE,
                value: max(1, configuration.threadPoolSize),
                ptr_value: nil
            ),
            MHD_OptionItem(
                option: MHD_OPTION.CONNECTION_TIMEOUT,
                value: configuration.connectionTimeoutSeconds,
                ptr_value: nil
            ),
            MHD_OptionItem(option: MHD_OPTION.CONNECTION_LIMIT, value: configuration.connectionLimit, ptr_value: nil),
            MHD_OptionItem(option: MHD_OPTION.SOCK_ADDR, value: 0, ptr_value: UnsafeMutableRawPointer(address)),
            // Two-pointer options pass the function as the intptr_t value and its closure
            // argument as the pointer (libmicrohttpd's MHD_OPTION.ARRAY rule).
            MHD_OptionItem(
                option: MHD_OPTION.NOTIFY_COMPLETED,
                value: unsafeBitCast(completed, to: Int.self),
                ptr_value: nil
            ),
        ]
        if let key, let certificate {
            options.append(MHD_OptionItem(option: MHD_OPTION.HTTPS_MEM_KEY, value: 0, ptr_value: key))
            options.append(MHD_OptionItem(option: MHD_OPTION.HTTPS_MEM_CERT, value: 0, ptr_value: certificate))
        }
        options.append(MHD_OptionItem(option: MHD_OPTION.END, value: 0, ptr_value: nil))
        return options
    }
}

/// A started `MHD_Daemon`.
// @unchecked Sendable: the pointer is written once in init and only passed to
// libmicrohttpd's daemon functions, which are thread-safe; stop() is called once.
private struct DaemonHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// What every callback needs, reached through the `cls` pointer.
private final class HostContext: Sendable {
    let api: CordonAPI
    let maximumBodyBytes: Int

    init(api: CordonAPI, maximumBodyBytes: Int) {
        self.api = api
        self.maximumBodyBytes = maximumBodyBytes
    }
}

/// `MHD_ContentReaderFreeCallback` of a ``ResponseBody``: libmicrohttpd is done with it.
private func releaseResponseBody(_ cls: UnsafeMutableRawPointer?) {
    guard let cls else { return }
    let body = Unmanaged<ResponseBody>.fromOpaque(cls).takeRetainedValue()
    if body.holdsPersonalData { SecureMemory.zero(&body.bytes) }
}

/// libmicrohttpd's access handler: the first call creates the connection state and answers
/// at once a request whose framing is ambiguous (``RequestFraming``: `400`) or whose
/// `Content-Length` is over the limit (`413`) — a response queued this early makes
/// libmicrohttpd skip the body and close the connection after answering; later calls
/// append body chunks (dropped past the limit), and the final call answers through the API.
private func accessHandler(
    _ cls: UnsafeMutableRawPointer?,
    _ connection: OpaquePointer?,
    _ url: UnsafePointer<CChar>?,
    _ method: UnsafePointer<CChar>?,
    _ version: UnsafePointer<CChar>?,
    _ uploadData: UnsafePointer<CChar>?,
    _ uploadDataSize: UnsafeMutablePointer<Int>?,
    _ connectionContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
    guard let cls, let connection, let url, let method, let uploadDataSize, let connectionContext else { return .NO }
    let host = Unmanaged<HostContext>.fromOpaque(cls).takeUnretainedValue()
    if connectionContext.pointee == nil {
        let state = ConnectionState()
        connectionContext.pointee = Unmanaged.passRetained(state).toOpaque()
        state.collected = collectValues(connection)
        if RequestFraming.problem(in: state.collected.headers) != nil {
            return answer(host, connection, url, method, state)
        }
        let declared = lookupHeader(connection, "Content-Length").flatMap { Int($0) } ?? 0
        guard declared > host.maximumBodyBytes else {
            // One allocation for the whole body: a buffer that grows leaves each smaller copy
            // of the body (PII included) behind in freed memory, unzeroed.
            state.body.reserveCapacity(max(0, declared))
            return .YES
        }
        state.bodyTooLarge = true
        return answer(host, connection, url, method, state)
    }
    let state = Unmanaged<ConnectionState>.fromOpaque(connectionContext.pointee!).takeUnretainedValue()
    if uploadDataSize.pointee > 0 {
        if let uploadData, !state.bodyTooLarge {
            if state.body.count + uploadDataSize.pointee > host.maximumBodyBytes {
                state.bodyTooLarge = true
                SecureMemory.zero(&state.body)
                state.body = []
            } else {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: uploadDataSize.pointee) {
                    state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: uploadDataSize.pointee))
                }
            }
        }
        uploadDataSize.pointee = 0
        return .YES
    }
    return answer(host, connection, url, method, state)
}

/// Builds the request, runs the API and queues its response.
private func answer(
    _ host: HostContext,
    _ connection: OpaquePointer,
    _ url: UnsafePointer<CChar>,
    _ method: UnsafePointer<CChar>,
    _ state: ConnectionState
) -> MHD_Result {
    let collected = state.collected
    let client = clientAddress(connection)
    var request = HTTPRequest(
        method: String(cString: method),
        path: String(cString: url),
        query: collected.arguments,
        headerFields: collected.headers,
        body: state.body,
        bodyTooLarge: state.bodyTooLarge,
        clientAddress: client.text,
        clientIsLoopback: client.isLoopback
    )
    state.body = []
    var response = host.api.respond(to: request)
    // The body (ingest lines carry PII) is ours alone again once the API returned: zero it
    // before its memory goes back to the allocator (decision 0009).
    SecureMemory.zero(&request.body)
    // No copy: "Create a response object with the content of provided buffer used as the
    // response body ... @param crfc function to call to cleanup" (microhttpd.h): it sends
    // straight from the body and calls back once the response is destroyed. RESPMEM_MUST_COPY
    // copied every body once more and freed an export's copy unzeroed; now the only copy is
    // zeroed after sending (decision 0018).
    let body = ResponseBody(response.body, holdsPersonalData: response.holdsPersonalData)
    response.body = []
    let box = Unmanaged.passRetained(body)
    guard
        let mhdResponse = MHD_create_response_from_buffer_with_free_callback_cls(
            body.bytes.count,
            body.baseAddress,
            releaseResponseBody,
            box.toOpaque()
        )
    else {
        releaseResponseBody(box.toOpaque())
        return .NO
    }
    defer { MHD_destroy_response(mhdResponse) }
    for header in response.headers {
        _ = MHD_add_response_header(mhdResponse, header.name, header.value)
    }
    return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
}

/// Every header field and query argument libmicrohttpd parsed for `connection`.
private func collectValues(_ connection: OpaquePointer) -> CollectedValues {
    var collected = CollectedValues()
    withUnsafeMutablePointer(to: &collected) { pointer in
        _ = MHD_get_connection_values(connection, MHD_ValueKind.HEADER_KIND, collectValue, pointer)
        _ = MHD_get_connection_values(connection, MHD_ValueKind.GET_ARGUMENT_KIND, collectValue, pointer)
    }
    return collected
}

/// `MHD_KeyValueIterator` filling a ``CollectedValues``.
private func collectValue(
    _ cls: UnsafeMutableRawPointer?,
    _ kind: MHD_ValueKind,
    _ key: UnsafePointer<CChar>?,
    _ value: UnsafePointer<CChar>?
) -> MHD_Result {
    guard let cls, let key else { return .YES }
    let collected = cls.assumingMemoryBound(to: CollectedValues.self)
    let name = String(cString: key)
    let text = value.map { String(cString: $0) } ?? ""
    if kind == MHD_ValueKind.HEADER_KIND {
        collected.pointee.headers.append((name: name, value: text))
    } else {
        collected.pointee.arguments[name] = text
    }
    return .YES
}

private func lookupHeader(_ connection: OpaquePointer, _ name: String) -> String? {
    MHD_lookup_connection_value(connection, MHD_ValueKind.HEADER_KIND, name).map { String(cString: $0) }
}

/// The peer's address as text, and whether it is a loopback address.
private func clientAddress(_ connection: OpaquePointer) -> (text: String, isLoopback: Bool) {
    cordon_mhd_client_address(connection).map { SocketAddress.describe($0) } ?? ("unknown", false)
}

/// `MHD_OPTION.NOTIFY_COMPLETED`: releases the connection state of a finished request.
private func requestCompleted(
    _ cls: UnsafeMutableRawPointer?,
    _ connection: OpaquePointer?,
    _ connectionContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ code: MHD_RequestTerminationCode
) {
    guard let connectionContext, let state = connectionContext.pointee else { return }
    Unmanaged<ConnectionState>.fromOpaque(state).release()
    connectionContext.pointee = nil
}
