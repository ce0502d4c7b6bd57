/// How an audited operation ended.
public enum AuditOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The operation succeeded.
    case ok
    /// Authorization, policy or budget refused it.
    case denied
    /// It failed for another reason (bad input, storage error).
    case error
    /// A write whose entry was already durable did not commit (its COMMIT failed): the
    /// entry before it claimed an effect that did not happen, and this one says so.
    case aborted
}
