import CordonAudit

/// Appending to the audit trail: the one way every vault operation records itself.
extension Vault {
    /// The policy versions in force for `regions`, as recorded in audit entries.
    /// A region this vault does not hold (one a region node refused with 421, decision 0024)
    /// has no policy applied here and gets no version.
    func policyVersions(_ regions: [RegionID]) -> [String: String] {
        var versions: [String: String] = [:]
        for region in regions where configuration.regions[region] != nil {
            versions[region.rawValue] = configuration.policy(for: region).version
        }
        return versions
    }

    /// Appends one audit entry; any failure becomes a fail-closed `VaultError`.
    @discardableResult
    func record(
        _ context: AccessContext,
        action: AuditAction,
        regions: [RegionID] = [],
        purpose: Purpose? = nil,
        subjects: [SubjectID] = [],
        outcome: AuditOutcome = .ok,
        reason: String? = nil,
        details: [String: AuditDetailValue] = [:]
    ) throws -> AuditReceipt {
        try record(
            context,
            AuditRecord(
                action: action,
                regions: regions,
                purpose: purpose,
                subjects: subjects,
                outcome: outcome,
                reason: reason,
                details: details
            )
        )
    }

    /// Appends `record` as one entry, stamped with the actor, subject pseudonyms and the
    /// policy versions in force; any failure becomes a fail-closed `VaultError`.
    @discardableResult
    func record(_ context: AccessContext, _ record: AuditRecord) throws -> AuditReceipt {
        try recordPendingCorrections()
        return try append(context, record)
    }

    /// ``record(_:_:)`` without appending pending corrections first.
    func append(_ context: AccessContext, _ record: AuditRecord) throws -> AuditReceipt {
        let event = AuditEvent(
            actor: context.actor,
            actorName: context.actorName,
            role: context.role,
            action: record.action.rawValue,
            regions: record.regions.map(\.rawValue),
            purpose: record.purpose?.rawValue,
            subjects: record.subjects.map(pseudonym),
            outcome: record.outcome,
            reason: record.reason,
            policyVersions: policyVersions(record.regions),
            requestId: context.requestID,
            query: record.query,
            privacyCost: record.privacyCost,
            details: record.details
        )
        do {
            return try audit.append(event)
        } catch {
            throw VaultError(
                .auditUnavailable,
                "the audit trail could not record \(record.action) (\(error.message)); the operation was not performed"
            )
        }
    }
}
