public import CordonCore
import Foundation
import Synchronization

/// Cordon's HTTP API as one responder: the router with its middleware, independent of any
/// host. The libmicrohttpd host calls ``respond(to:)`` from its threads; tests call it
/// in-process.
///
/// ```swift
/// let api = CordonAPI(configuration: configuration, session: try VaultSession(vault: vault, configDirectory: root))
/// let response = api.respond(to: HTTPRequest(method: "GET", target: "/healthz"))
/// ```
public final class CordonAPI: Sendable {
    public let configuration: ServerConfiguration
    /// The vault being served, or none while sealed.
    public let slot: VaultSlot
    public let metrics: ServerMetrics
    /// The peers witnessed and accepted as witnesses (from ``ServerConfiguration/witnesses``).
    public let witnesses: WitnessRoster
    /// The routes (for the OpenAPI contract test).
    public let router: Router
    private let pipeline: MiddlewareChain
    private let inFlight = Atomic<Int>(0)

    /// An API over `session` (or sealed when `nil`).
    /// - Parameters:
    ///   - policy: The role × operation × region rules.
    ///   - openVault: How `POST /v1/unseal` opens the vault with a key source.
    public init(
        configuration: ServerConfiguration,
        session: VaultSession?,
        policy: any AuthorizationPolicy = RoleMatrixPolicy(),
        openVault: (@Sendable (MasterKeySource) throws -> Vault)? = nil
    ) {
        self.configuration = configuration
        let slot = VaultSlot(session: session)
        let metrics = ServerMetrics()
        self.slot = slot
        self.metrics = metrics
        let witnesses = WitnessRoster(configuration.witnesses)
        self.witnesses = witnesses
        let endpoints = Endpoints(
            configuration: configuration,
            slot: slot,
            metrics: metrics,
            witnesses: witnesses,
            policy: policy,
            unsealLimiter: RateLimiter(
                capacity: configuration.unsealAttemptsPerMinute,
                ratePerSecond: Double(configuration.unsealAttemptsPerMinute) / 60
            ),
            openVault: openVault ?? Endpoints.defaultOpener(configuration)
        )
        var router = endpoints.router()
        router.routeMiddleware = [
            AuthenticationMiddleware(),
            BodyLimitMiddleware(maximumBodyBytes: configuration.maximumBodyBytes),
            RateLimitMiddleware(
                limiter: RateLimiter(
                    capacity: configuration.rateLimitBurst,
                    ratePerSecond: configuration.rateLimitPerSecond
                )
            ),
            AuthorizationMiddleware(policy: policy),
        ]
        self.router = router
        pipeline = MiddlewareChain(
            middleware: [
                AccessLogMiddleware(logger: configuration.logger.labeled("cordon.access")),
                MetricsMiddleware(metrics: metrics), AuditMiddleware(), ErrorMiddleware(), FramingMiddleware(),
            ],
            responder: router
        )
    }

    /// Requests being answered right now (shutdown waits for them).
    public var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// Answers one request; never throws (errors become JSON error responses). Every
    /// response carries `X-Request-Id`.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        inFlight.add(1, ordering: .relaxed)
        defer { inFlight.subtract(1, ordering: .relaxed) }
        let requestID = request.headers["x-request-id"].flatMap(Self.acceptedRequestID) ?? AccessContext.newRequestID()
        let context = RequestContext(requestID: requestID, session: slot.session)
        var response: HTTPResponse
        do {
            response = try pipeline.respond(to: request, context: context)
        } catch {
            response = HTTPResponse.error(error, requestID: requestID)
        }
        response.headers.append(("X-Request-Id", requestID))
        response.headers.append(("Cache-Control", "no-store"))
        return response
    }

    /// A client's request id, if it is 1–64 characters of `[A-Za-z0-9._:-]`.
    static func acceptedRequestID(_ text: String) -> String? {
        guard (1...64).contains(text.utf8.count),
            text.utf8.allSatisfy({ byte in
                (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45
                    || byte == 46
                    || byte == 95 || byte == 58
            })
        else { return nil }
        return text
    }
}
