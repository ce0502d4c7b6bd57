import CordonAudit
import CordonStore
public import Foundation

extension Vault {
    /// Erases a subject (GDPR Art. 17, CCPA 1798.105, LGPD Art. 18 VI, PIPL Art. 47).
    ///
    /// A registered request (`dsrRequest`) is checked first — it exists, is open, is an
    /// erasure request, names this subject (if it names one) and is governed by the
    /// subject's region — and a request that does not fit changes nothing. Then, in one
    /// transaction of the region store: delete the subject's events, consents and profile,
    /// and the wrapped DEK — without it the sealed PII can never be opened again, including
    /// in old backups and WAL frames (crypto-shredding); `secure_delete` overwrites the
    /// freed pages. The audit entry is durable before COMMIT, and the signed receipt, which
    /// names it, is stored with the erasure record in the same transaction. Then, in one
    /// audited write to `control.db`: the tombstone, and the request completed (or, without
    /// one, registered as received and answered now).
    ///
    /// An erasure always yields its receipt: once the region store committed, the receipt
    /// is returned even if the `control.db` step fails (it is then redone by erasing
    /// again). Erasing an erased subject returns the original receipt (and answers
    /// `dsrRequest`, if it is an open erasure request for this subject).
    /// - Parameter dsrRequest: a registered erasure request this answers; without one, the
    ///   request is registered as received and answered now.
    public func erase(
        _ id: SubjectID,
        context: AccessContext,
        dsrRequest: String? = nil,
        now: Int64 = Int64(Date().timeIntervalSince1970)
    ) throws -> ErasureReceipt {
        guard let match = try locate(.id(id)).first else {
            if let erased = try erasureRecord(of: id) {
                return try repeatErasure(erased, of: id, context: context, dsrRequest: dsrRequest, now: now)
            }
            try record(context, action: .subjectErase, outcome: .denied, reason: "not_found")
            throw VaultError(
                .subjectNotFound,
                "no subject \(id) in any region (never ingested); find ids with `cordon subject lookup`"
            )
        }
        let store = try store(match.region)
        if let dsrRequest {
            try validateAnswer(
                dsrRequest,
                kind: .erasure,
                subject: id,
                region: store.region.id,
                action: .subjectErase,
                context: context
            )
        }
        let receipt = try erase(
            match.subject,
            in: store,
            context: context,
            now: now,
            action: .subjectErase,
            dsrRequest: dsrRequest
        )
        finishErasure(receipt, of: id, kind: .erasure, requestID: dsrRequest, context: context, now: now)
        return receipt
    }

    /// Erasure of a profile past its retention (`retention.expire`): the same deletion,
    /// receipt and tombstone as ``erase(_:context:dsrRequest:now:)``, registering no request.
    func expire(_ id: SubjectID, context: AccessContext, now: Int64) throws -> ErasureReceipt {
        let (store, subject) = try requireSubject(id, action: .retentionExpire, context: context)
        let receipt = try erase(
            subject,
            in: store,
            context: context,
            now: now,
            action: .retentionExpire,
            dsrRequest: nil
        )
        finishErasure(receipt, of: id, kind: nil, requestID: nil, context: context, now: now)
        return receipt
    }

    /// The region-store transaction of an erasure, under an audit action name
    /// (`subject.erase`, `retention.expire`); returns the signed receipt it stored.
    private func erase(
        _ subject: StoredSubject,
        in store: RegionStore,
        context: AccessContext,
        now: Int64,
        action: AuditAction,
        dsrRequest: String?
    ) throws -> ErasureReceipt {
        let id = subject.id
        var signed: ErasureReceipt?
        try write(
            .region(store.region.id),
            context: context,
            { db -> [String: Int] in
                let counts = try RegionStore.deleteSubject(sid: subject.sid, in: db)
                guard counts["subjects"] == 1 else {
                    // Erased by a concurrent call since it was found: nothing to record.
                    throw VaultError(.subjectNotFound, "subject \(id) was erased by another request just now")
                }
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
            },
            afterAppend: { db, counts, entry in
                // The receipt names the entry, so it is signed once the entry is durable and
                // kept with the erasure record: erasing again returns this very receipt.
                let receipt = try ErasureReceipt.sign(
                    ErasureReceipt.Body(
                        subjectId: id,
                        subjectPseudonym: pseudonym(id),
                        region: store.region.id.rawValue,
                        policy: store.policy.id.rawValue,
                        policyVersion: store.policy.version,
                        erasedAt: Self.rfc3339(now),
                        erased: counts,
                        auditSequence: entry.sequence,
                        requestId: context.requestID
                    ),
                    with: signingKey
                )
                try db.execute(
                    """
                    INSERT OR REPLACE INTO erasures(subject_id, erased_at, receipt, dsr_request)
                    VALUES (\(id.rawValue), \(now), \(try receipt.storedText()), \(dsrRequest))
                    """
                )
                signed = receipt
            }
        )
        // No explicit checkpoint here: SQLite's automatic checkpoint (every 1000 WAL
        // pages) moves the deletions into the securely overwritten file; until then the
        // old event rows sit in encrypted WAL frames, and the PII in them is already
        // unreadable because its key is gone (decision 0005).
        guard let signed else { throw VaultError(.corrupt, "the erasure of subject \(id) recorded no receipt") }
        return signed
    }

    /// The `control.db` step of an erasure that committed: tombstone and register. Its
    /// failure does not take the receipt away — the erasure happened — and is redone by
    /// erasing the subject again (``repeatErasure(_:of:context:dsrRequest:now:)``).
    private func finishErasure(
        _ receipt: ErasureReceipt,
        of id: SubjectID,
        kind: Right?,
        requestID: String?,
        context: AccessContext,
        now: Int64
    ) {
        recordAnswerAfterEffect(
            kind,
            region: RegionID(rawValue: receipt.receipt.region),
            subject: id,
            requestID: requestID,
            outcome: "erased; receipt signed",
            erasedAt: now,
            effect: "the erasure audited at entry \(receipt.receipt.auditSequence)",
            context: context,
            now: now
        )
    }

    /// Erasing an erased subject: the original receipt, after answering `dsrRequest` (an
    /// open erasure request for this subject) or finishing a `control.db` step that failed.
    private func repeatErasure(
        _ erased: ErasureRecord,
        of id: SubjectID,
        context: AccessContext,
        dsrRequest requestID: String?,
        now: Int64
    ) throws -> ErasureReceipt {
        guard let receipt = erased.receipt else {
            try record(
                context,
                AuditRecord(
                    action: .subjectErase,
                    regions: [erased.region],
                    subjects: [id],
                    outcome: .denied,
                    reason: "erased_without_receipt"
                )
            )
            throw VaultError(
                .subjectNotFound,
                "subject \(id) was erased from region \(erased.region) at \(Self.rfc3339(erased.erasedAt)), before erasures kept their receipt; its receipt was issued then (its audit entry: `cordon audit search --subject \(pseudonym(id))`)"
            )
        }
        if let requestID {
            // The same call again (a retry after a lost response) returns the receipt.
            let isRetry = (try? dsrRequest(requestID)).map { $0.isCompleted && erased.dsrRequest == $0.id } ?? false
            if !isRetry {
                try validateAnswer(
                    requestID,
                    kind: .erasure,
                    subject: id,
                    region: erased.region,
                    action: .subjectErase,
                    context: context
                )
                try recordAnswer(
                    .erasure,
                    region: erased.region,
                    subject: id,
                    requestID: requestID,
                    outcome: "already erased; original receipt returned",
                    erasedAt: erased.erasedAt,
                    context: context,
                    now: now
                )
            }
        } else if try control.tombstone(of: id.rawValue) == nil {
            // The original erasure's control.db step failed: do it now.
            try recordAnswer(
                .erasure,
                region: erased.region,
                subject: id,
                requestID: erased.dsrRequest,
                outcome: "erased; receipt signed",
                erasedAt: erased.erasedAt,
                context: context,
                now: now
            )
        }
        try record(
            context,
            AuditRecord(
                action: .subjectReceipt,
                regions: [erased.region],
                subjects: [id],
                details: ["erasure": .integer(Int64(receipt.receipt.auditSequence))]
            )
        )
        return receipt
    }

    /// What a region store keeps about an erased subject.
    struct ErasureRecord: Sendable {
        var region: RegionID
        var erasedAt: Int64
        /// `nil` for erasures from before receipts were kept (region schema v4).
        var receipt: ErasureReceipt?
        /// The registered request the erasure answered, if one was named.
        var dsrRequest: String?
    }

    /// The region `id` was erased from, or `nil`. Not audited: callers use it to decide
    /// access (an HTTP token's regions) and audit their decision.
    public func erasedRegion(of id: SubjectID) throws -> RegionID? {
        try erasureRecord(of: id)?.region
    }

    /// The erasure record of `id` in whichever region erased it, if any.
    func erasureRecord(of id: SubjectID) throws -> ErasureRecord? {
        for region in regionIDs {
            let store = try store(region)
            let row = try store.read { db in
                try db.query(
                    "SELECT erased_at, receipt, dsr_request FROM erasures WHERE subject_id = \(id.rawValue)"
                ).first.map { row in
                    (try row.get(Int64.self, at: 0), try row.get(String?.self, at: 1), try row.get(String?.self, at: 2))
                }
            }
            guard let (erasedAt, text, request) = row else { continue }
            return ErasureRecord(
                region: region,
                erasedAt: erasedAt,
                receipt: try text.map(ErasureReceipt.init(storedText:)),
                dsrRequest: request
            )
        }
        return nil
    }
}

extension ErasureReceipt {
    /// The receipt as kept in a region store's `erasures` table (JSON with sorted keys).
    func storedText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// A receipt read back from ``storedText()``.
    init(storedText text: String) throws {
        do {
            self = try JSONDecoder().decode(ErasureReceipt.self, from: Data(text.utf8))
        } catch {
            throw VaultError(.corrupt, "a stored erasure receipt does not decode")
        }
    }
}
