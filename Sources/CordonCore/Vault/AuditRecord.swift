import CordonAudit

/// What one audit entry says, before the vault stamps it with the actor, pseudonyms and
/// policy versions: the fields of ``Vault/record(_:_:)``.
///
/// - Warning: `reason` and `details` hold codes and counts only, never personal data.
struct AuditRecord: Sendable {
    var action: AuditAction
    var regions: [RegionID] = []
    var purpose: Purpose? = nil
    var subjects: [SubjectID] = []
    var outcome: AuditOutcome = .ok
    var reason: String? = nil
    /// The canonical query text (`query.*` actions).
    var query: String? = nil
    var privacyCost: PrivacyCost? = nil
    var details: [String: AuditDetailValue] = [:]
}
