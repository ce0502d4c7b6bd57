/// One endpoint: method, path template, the operation the authorization policy judges,
/// and the handler.
public struct Route: Sendable {
    public let method: String
    public let pattern: RoutePattern
    public let operation: Operation
    /// Whether requests are recorded by the audit middleware (all but liveness probes).
    public let isAudited: Bool
    let responder: any Responder
}
