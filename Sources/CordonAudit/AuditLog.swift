import CordonCrypto

/// Placeholder until the audit-trail issue lands.
public enum AuditFormat {
    public static let version = 1
}
