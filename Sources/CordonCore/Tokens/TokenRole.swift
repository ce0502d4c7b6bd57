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

    public static func < (lhs: TokenRole, rhs: TokenRole) -> Bool { lhs.rawValue < rhs.rawValue }
}
