public import CordonAudit

extension Vault {
    /// Whether the audit trail accepts entries, and if not, why and since when. Every
    /// operation fails closed (`audit_unavailable`) while it does not.
    ///
    /// With `attemptingRecovery`, a failed trail first tries to recover if an attempt is
    /// due (at most one per ``AuditConfiguration/recoveryEveryMilliseconds``, so frequent
    /// probes cannot hammer a failing disk): what `/readyz` asks.
    ///
    /// ```swift
    /// let health = vault.auditHealth(attemptingRecovery: true)
    /// if let failure = health.failure { print("audit unavailable since \(failure.since): \(failure.reason)") }
    /// ```
    public func auditHealth(attemptingRecovery: Bool = false) -> AuditHealth {
        attemptingRecovery ? audit.recoverIfDue() : audit.health
    }
}
