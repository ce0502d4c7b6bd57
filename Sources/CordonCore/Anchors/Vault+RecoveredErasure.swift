import CordonAudit
import Foundation

extension Vault {
    /// Erases again the subjects of an erasure that a recovery found uncommitted.
    ///
    /// `store.recovered` accepts a region store exactly one write behind its trail when
    /// that write's entry is the newest about the store — a crash between the entry and
    /// COMMIT. A backup one write older looks the same. When that write was an erasure
    /// (`subject.erase`, `retention.expire`), the person asked to be erased and the trail
    /// says so: accepting the store as it is would bring them back with readable PII. So
    /// they are erased again, in an audited write naming the entry it re-applies
    /// (`reapplies`), with a receipt kept for each (decision 0009). Any other kind of write
    /// is accepted as the recovery says.
    func reapplyErasure(resolvedBy sequence: UInt64, in region: RegionID) throws {
        let entry: AuditEntry
        do {
            entry = try audit.entry(at: sequence)
        } catch {
            throw VaultError(.auditUnavailable, "cannot read the audit trail: \(error.message)", underlying: error)
        }
        guard [AuditAction.subjectErase, .retentionExpire].contains(AuditAction(rawValue: entry.action)),
            !entry.subjects.isEmpty
        else { return }
        let erasedAt = entry.time.millisecondsSince1970 / 1000
        _ = try eraseAgain(
            try store(region),
            pseudonyms: Dictionary(entry.subjects.map { ($0, erasedAt) }, uniquingKeysWith: min),
            ids: [:],
            context: AccessContext.system("cordon:recovery")
        ) { replayed in
            replayed.subjects.isEmpty
                ? nil
                : AuditRecord(
                    action: AuditAction(rawValue: entry.action),
                    regions: [region],
                    subjects: replayed.subjects,
                    reason: "re-applied: the erasure at entry \(sequence) did not reach the store",
                    details: [
                        "reapplies": .integer(Int64(sequence)),
                        "events": .integer(Int64(replayed.events)),
                        "consents": .integer(Int64(replayed.consents)),
                    ]
                )
        }
    }
}
