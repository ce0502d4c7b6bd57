import CordonAudit

/// The body of `/readyz`'s `503 audit_unavailable`: the fields of every error body, plus why
/// the audit trail refuses entries and since when.
struct AuditUnavailableBody: Encodable {
    var code = "audit_unavailable"
    var message = "the audit trail cannot record requests; nothing is served until it recovers"
    var requestId: String
    /// The trail's own sentence (`cannot write audit segment segments/0000000000.ndjson: No
    /// space left on device`): files relative to the audit directory, never an absolute
    /// path, an entry or a key.
    var reason: String
    /// When it stopped accepting entries (RFC 3339 UTC).
    var since: String
    /// Recovery attempts that failed since then.
    var failedRecoveryAttempts: Int
}

extension HTTPResponse {
    /// `503 audit_unavailable` with the failure's reason, for readiness probes.
    static func auditUnavailable(_ failure: AuditHealth.Failure, requestID: String) throws -> HTTPResponse {
        var response = try HTTPResponse.json(
            AuditUnavailableBody(
                requestId: requestID,
                reason: failure.reason,
                since: failure.since.description,
                failedRecoveryAttempts: failure.failedRecoveryAttempts
            ),
            status: 503
        )
        response.errorCode = "audit_unavailable"
        return response
    }
}
