import CordonCrypto
import Foundation

/// Who is acting and under which request: stamped on every audit entry.
public struct AccessContext: Sendable {
    /// `cli:<user>` or a token id.
    public var actor: String
    /// The token's name beside its id, stamped on audit entries as `actorName` so a DPO
    /// can read who did what. `nil` for the command line, whose actor already carries the
    /// login name, and for Cordon itself.
    public var actorName: String?
    /// The role the entry names: a token's role (``TokenRole``), `operator` for the local
    /// CLI acting without one, `system` for Cordon itself, `none` before authentication.
    public let role: String
    /// Correlates every audit entry of one request.
    public var requestID: String

    /// An actor holding a token role (or the CLI acting in one).
    public init(
        actor: String,
        role: TokenRole,
        actorName: String? = nil,
        requestID: String = AccessContext.newRequestID()
    ) {
        self.init(actor: actor, roleName: role.rawValue, actorName: actorName, requestID: requestID)
    }

    private init(actor: String, roleName: String, actorName: String?, requestID: String) {
        self.actor = actor
        self.actorName = actorName
        self.role = roleName
        self.requestID = requestID
    }

    /// The local operator acting without a token role (`operator`), named `actor`.
    public static func localOperator(_ actor: String) -> AccessContext {
        AccessContext(actor: actor, roleName: "operator", actorName: nil, requestID: newRequestID())
    }

    /// Cordon itself (`system`): recovery, the retention scheduler, a clean close.
    public static func system(_ actor: String) -> AccessContext {
        AccessContext(actor: actor, roleName: "system", actorName: nil, requestID: newRequestID())
    }

    /// A request no token authenticated: actor `anonymous`, role `none`.
    public static func unauthenticated(requestID: String) -> AccessContext {
        AccessContext(actor: "anonymous", roleName: "none", actorName: nil, requestID: requestID)
    }

    /// The local operator running the CLI (`cli:<login name>`), in `role` when the command
    /// is one of that role's, else as `operator`.
    public static func commandLine(role: TokenRole? = nil) -> AccessContext {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
        let actor = "cli:\(user.isEmpty ? "unknown" : user)"
        guard let role else { return localOperator(actor) }
        return AccessContext(actor: actor, role: role)
    }

    /// A random request id, `req-` + 16 hex digits.
    public static func newRequestID() -> String {
        "req-" + Hex.encode(SecureRandom.randomID(byteCount: 8))
    }
}
