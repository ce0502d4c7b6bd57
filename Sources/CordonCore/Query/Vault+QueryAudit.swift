import CordonAudit
import CordonCrypto
import Foundation

extension Vault {
    /// Appends the audit entry of a query — allowed, cached or refused — with the canonical
    /// query text and its privacy cost. Fails closed: a query whose entry cannot be made
    /// durable returns nothing.
    ///
    /// (``record(_:action:regions:purpose:subjects:outcome:reason:details:)`` has no query or
    /// privacy-cost fields; this is its counterpart for `query.*` actions.)
    @discardableResult
    func recordQuery(
        _ context: AccessContext,
        action: AuditAction,
        regions: [RegionID],
        purpose: Purpose,
        query: String?,
        cost: PrivacyCost?,
        outcome: AuditOutcome = .ok,
        reason: String? = nil,
        details: [String: AuditDetailValue] = [:]
    ) throws -> AuditReceipt {
        let event = AuditEvent(
            actor: context.actor,
            actorName: context.actorName,
            role: context.role,
            action: action.rawValue,
            regions: regions.map(\.rawValue),
            purpose: purpose.rawValue,
            outcome: outcome,
            reason: reason,
            policyVersions: policyVersions(regions),
            requestId: context.requestID,
            query: query,
            privacyCost: cost,
            details: details
        )
        do {
            return try audit.append(event)
        } catch {
            throw VaultError(
                .auditUnavailable,
                "the audit trail could not record \(action) (\(error.message)); no answer was returned",
                underlying: error
            )
        }
    }

    /// Records a refused query (parse error, refusal, exhausted budget) and returns the error
    /// to throw — or the audit failure, which takes precedence (fail closed).
    func refuse(
        _ error: QueryError,
        text: String,
        canonical: String?,
        regions: [RegionID],
        purpose: Purpose,
        analyst: String,
        context: AccessContext
    ) -> any Error {
        var details: [String: AuditDetailValue] = ["analyst": .string(analyst), "error": .string(error.code.name)]
        if canonical == nil {
            // Unparsed text may hold anything the analyst typed: record its digest, not the text.
            details["query.sha256"] = .string(Hex.encode(SHA256.hash(Array(text.utf8))))
        }
        do {
            try recordQuery(
                context,
                action: .queryRun,
                regions: regions,
                purpose: purpose,
                query: canonical,
                cost: PrivacyCost(microEpsilon: 0),
                outcome: .denied,
                reason: String(error.description.prefix(300)),
                details: details
            )
        } catch {
            return error
        }
        return error
    }
}
