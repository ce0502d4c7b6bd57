import CordonAudit
import CordonStore
public import Foundation

extension Vault {
    /// Erases a subject (GDPR Art. 17, CCPA 1798.105, LGPD Art. 18 VI, PIPL Art. 47).
    ///
    /// In one transaction: delete the subject's events, consents and profile, and the
    /// wrapped DEK — without it the sealed PII can never be opened again, including in old
    /// backups and WAL frames (crypto-shredding) — and write a tombstone so a restored older
    /// copy is purged again. `secure_delete` overwrites the freed pages. The audit entry is
    /// durable before COMMIT; the signed receipt names it.
    /// - Parameter dsrRequest: a registered erasure request this answers; without one, the
    ///   request is registered as received and answered now.
    public func erase(
        _ id: SubjectID,
        context: AccessContext,
        dsrRequest: String? = nil,
        now: Int64 = Int64(Date().timeIntervalSince1970)
    ) throws -> ErasureReceipt {
        if let dsrRequest { _ = try dsr.request(id: dsrRequest) }
        let receipt = try erase(id, context: context, now: now, action: "subject.erase")
        let store = try store(RegionID(rawValue: receipt.receipt.region))
        try registerAnswered(
            .erasure,
            store: store,
            subject: id,
            requestID: dsrRequest,
            outcome: "erased; receipt signed",
            context: context,
            now: now
        )
        return receipt
    }

    /// Erasure under an audit action name (`subject.erase`, or `retention.expire` for a
    /// profile past its retention).
    func erase(_ id: SubjectID, context: AccessContext, now: Int64, action: String) throws -> ErasureReceipt {
        let (store, subject) = try requireSubject(id, action: action, context: context)
        let (counts, receipt) = try write(
            .region(store.region.id),
            context: context,
            { db -> [String: Int] in
                var counts: [String: Int] = [:]
                try db.execute("DELETE FROM events WHERE sid = \(subject.sid)")
                counts["events"] = db.changes
                try db.execute("DELETE FROM consents WHERE sid = \(subject.sid)")
                counts["consents"] = db.changes
                try db.execute("DELETE FROM subject_keys WHERE sid = \(subject.sid)")
                try db.execute("DELETE FROM subjects WHERE sid = \(subject.sid)")
                counts["subjects"] = db.changes
                try db.execute("INSERT OR REPLACE INTO erasures(subject_id, erased_at) VALUES (\(id.rawValue), \(now))")
                return counts
            },
            entry: { counts in
                AuditRecord(
                    action: action,
                    regions: [store.region.id],
                    subjects: [id],
                    details: [
                        "events": .integer(Int64(counts["events"] ?? 0)),
                        "consents": .integer(Int64(counts["consents"] ?? 0)),
                    ]
                )
            }
        )
        let sequence = receipt?.sequence ?? 0
        // The tombstone outside the region store lets a restored older copy be purged again.
        try control.recordTombstone(
            region: store.region.id,
            subjectID: id.rawValue,
            erasedAt: Date(timeIntervalSince1970: Double(now))
        )
        // No explicit checkpoint here: SQLite's automatic checkpoint (every 1000 WAL
        // pages) moves the deletions into the securely overwritten file; until then the
        // old event rows sit in encrypted WAL frames, and the PII in them is already
        // unreadable because its key is gone (decision 0005).
        let body = ErasureReceipt.Body(
            subjectId: id,
            subjectPseudonym: pseudonym(id),
            region: store.region.id.rawValue,
            policy: store.policy.id.rawValue,
            policyVersion: store.policy.version,
            erasedAt: Self.rfc3339(now),
            erased: counts,
            auditSequence: sequence,
            requestId: context.requestID
        )
        return try ErasureReceipt.sign(body, with: signingKey)
    }
}
