/// What an API token may do; the server's authorization policy maps each role to the
/// endpoints it may call (DESIGN.md, "Who uses it, and for what").
public enum TokenRole: String, Sendable, Codable, CaseIterable, Comparable {
    /// Manages tokens, keys, retention and store checks; reads no personal data.
    case admin
    /// Runs data-subject requests, reads the audit trail and the policies.
    case dpo
    /// Writes subjects and events; reads nothing back.
    case ingest
    /// Asks aggregate questions and reads their privacy budget.
    case analyst
    /// A coordinator's token on a region node (decision 0027): relays analysts' queries
    /// (`POST /v1/query/release`, naming the analyst) and reads audit checkpoints; nothing
    /// else — no subject, no ingest, no audit entries.
    case coordinator

    public static func < (lhs: TokenRole, rhs: TokenRole) -> Bool { lhs.rawValue < rhs.rawValue }
}
