public import CordonCore

/// The one place that decides whether a token may perform an operation, optionally in a
/// region. Route middleware asks without a region (role × operation); handlers ask again
/// with each region a request touches (role × operation × region).
public protocol AuthorizationPolicy: Sendable {
    /// The decision for `token` doing `operation` (in `region`, when given).
    func decide(_ token: APIToken, operation: Operation, region: RegionID?) -> AuthorizationDecision
}

/// What an ``AuthorizationPolicy`` decided.
public enum AuthorizationDecision: Sendable, Equatable {
    case allowed
    /// Refused; `code` is `forbidden` (role) or `region_not_permitted` (region).
    case denied(code: String, message: String)

    /// Throws the matching `403` when denied.
    func enforce() throws {
        if case .denied(let code, let message) = self {
            throw APIError(status: 403, code: code, message: message)
        }
    }
}

/// Cordon's role matrix (DESIGN.md, "Who uses it"): ingest services write, analysts query,
/// DPOs run data-subject requests and read the audit trail and policies, admins manage
/// tokens, retention and store checks. Every role is confined to its token's regions.
public struct RoleMatrixPolicy: AuthorizationPolicy {
    /// Operations per role.
    public static let matrix: [TokenRole: Set<Operation>] = [
        .admin: [
            .tokenAdmin, .retention, .storeVerify, .metrics, .auditVerify, .policyRead, .keyStatus, .whoami,
            .registers, .backup, .regionDirectory, .witness,
        ],
        .dpo: [
            .subjectRead, .dataSubjectRequest, .auditRead, .auditVerify, .policyRead, .whoami, .registers, .backup,
            .regionDirectory, .witness,
        ],
        .ingest: [.ingest, .whoami, .regionDirectory],
        .analyst: [.query, .budget, .whoami, .regionDirectory],
        .coordinator: [.queryRelay, .auditVerify, .auditSearchRelay, .whoami, .regionDirectory],
    ]

    public init() {}

    public func decide(_ token: APIToken, operation: Operation, region: RegionID?) -> AuthorizationDecision {
        guard !operation.requiresToken || Self.matrix[token.role, default: []].contains(operation) else {
            return .denied(
                code: "forbidden",
                message: "the \(token.role.rawValue) role may not do this (\(operation.rawValue))"
            )
        }
        if let region, !token.scope.permits(region) {
            return .denied(code: "region_not_permitted", message: "this token may not access region \(region)")
        }
        return .allowed
    }
}
