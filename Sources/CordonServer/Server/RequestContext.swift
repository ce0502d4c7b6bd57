public import CordonCore
import Synchronization

/// The typed per-request context: request id, the authenticated token (identity, role,
/// regions), the matched route, and the regions and subjects the request touched (for its
/// audit entry). One instance per request; middleware further in fills it for middleware
/// further out (authentication for the audit entry, routing for the metrics label).
public final class RequestContext: Sendable {
    /// What later stages learn about the request.
    struct State: Sendable {
        var token: APIToken?
        var route: String?
        var operation: Operation?
        var parameters: [String: String] = [:]
        var regions: Set<RegionID> = []
        var subjects: [SubjectID] = []
        var audited = true
    }

    /// The request id: `X-Request-Id` when well-formed, else a fresh `req-` id.
    public let requestID: String
    /// The open vault, or `nil` while sealed.
    public let session: VaultSession?
    private let state = Mutex(State())

    init(requestID: String, session: VaultSession?) {
        self.requestID = requestID
        self.session = session
    }

    /// The authenticated token, once authentication ran.
    public var token: APIToken? {
        get { state.withLock { $0.token } }
        set { state.withLock { $0.token = newValue } }
    }

    /// The matched route's template (`/v1/subjects/{id}`), or `nil` when none matched.
    public var route: String? { state.withLock { $0.route } }

    /// The matched route's operation.
    public var operation: Operation? { state.withLock { $0.operation } }

    /// A path parameter of the matched route.
    public func parameter(_ name: String) -> String? { state.withLock { $0.parameters[name] } }

    /// The regions the request touched, for its audit entry.
    var regions: [RegionID] { state.withLock { $0.regions.sorted() } }

    /// The subjects the request named, for its audit entry (as pseudonyms).
    var subjects: [SubjectID] { state.withLock { $0.subjects } }

    /// Whether the audit middleware records this route (probes are not recorded).
    var isAudited: Bool { state.withLock { $0.audited } }

    func matched(_ route: Route, parameters: [String: String]) {
        state.withLock {
            $0.route = route.pattern.description
            $0.operation = route.operation
            $0.parameters = parameters
            $0.audited = route.isAudited
        }
    }

    /// Notes a region and subject the request concerns (recorded in its audit entry).
    func touch(region: RegionID? = nil, subject: SubjectID? = nil) {
        state.withLock {
            if let region { $0.regions.insert(region) }
            if let subject, !$0.subjects.contains(subject) { $0.subjects.append(subject) }
        }
    }

    /// Who is acting, for vault operations and audit entries: the token's id and, beside
    /// it, its name.
    public var access: AccessContext {
        guard let token = self.token else { return .unauthenticated(requestID: requestID) }
        return AccessContext(actor: token.id, role: token.role, actorName: token.name, requestID: requestID)
    }

    /// The open vault, or `503 sealed`.
    func requireSession() throws -> VaultSession {
        guard let session else { throw APIError.sealed }
        return session
    }

    /// The authenticated token (authentication guarantees one on token routes).
    func requireToken() throws -> APIToken {
        guard let token else { throw APIError.unauthenticated }
        return token
    }
}
