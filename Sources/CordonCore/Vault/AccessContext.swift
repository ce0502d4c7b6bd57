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
    /// `admin`, `dpo`, `ingest`, `analyst`, or `operator` for the local CLI.
    public var role: String
    /// Correlates every audit entry of one request.
    public var requestID: String

    public init(
        actor: String,
        role: String,
        actorName: String? = nil,
        requestID: String = AccessContext.newRequestID()
    ) {
        self.actor = actor
        self.actorName = actorName
        self.role = role
        self.requestID = requestID
    }

    /// The local operator running the CLI (`cli:<login name>`).
    public static func commandLine(role: String = "operator") -> AccessContext {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
        return AccessContext(actor: "cli:\(user.isEmpty ? "unknown" : user)", role: role)
    }

    /// A random request id, `req-` + 16 hex digits.
    public static func newRequestID() -> String {
        "req-" + Hex.encode(SecureRandom.randomID(byteCount: 8))
    }
}
