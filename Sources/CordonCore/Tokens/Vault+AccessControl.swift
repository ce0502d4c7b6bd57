public import CordonAudit
import CordonCrypto
import Foundation

extension Vault {
    /// The API token register of this data directory, keyed with the control keyring's
    /// `token-hash` key (the key never leaves the registry).
    public func tokenRegistry() throws -> TokenRegistry {
        TokenRegistry(vault: self, hashKey: try keys.keyring(.control).dataKey(.tokenHash, as: TokenHashKeyRole.self))
    }

    /// The region holding a subject, or `nil` when no region does. Not audited: callers
    /// use it to decide access and audit their decision (an HTTP request's own entry).
    /// When no region that answered holds it and a region could not be searched, throws
    /// that region's failure (``VaultError/regions``): the subject may be there.
    public func region(of id: SubjectID) throws -> RegionID? {
        try locate(.id(id)).first?.region
    }

    /// Appends an access decision or an HTTP request that no vault operation recorded
    /// (`http.request`, `auth.failure`, `server.unseal`), failing closed like every entry.
    ///
    /// - Warning: `reason` and `details` must hold codes and counts only, never personal
    ///   data, request bodies or token secrets.
    @discardableResult
    public func recordAccess(
        _ context: AccessContext,
        action: AuditAction,
        regions: [RegionID] = [],
        subjects: [SubjectID] = [],
        outcome: AuditOutcome,
        reason: String? = nil,
        details: [String: String] = [:]
    ) throws -> AuditReceipt {
        try record(
            context,
            action: action,
            regions: regions,
            subjects: subjects,
            outcome: outcome,
            reason: reason,
            details: details.mapValues { .string($0) }
        )
    }
}
