import CordonAudit
import CordonStore
public import Foundation

extension Vault {
    /// The subject's data package: PII, consent history, events within retention, the
    /// policy in force, and every audited access with an inclusion proof against a signed
    /// checkpoint. The export's own audit entry is made durable before anything is read
    /// out, and it appears in the package's access history.
    ///
    /// The request is checked before anything is read (``validateAnswer(_:kind:subject:region:action:context:)``),
    /// and completing it (or registering it) is the export's last effect, after everything
    /// that can fail — reading the PII, the access history and its checkpoint — so an
    /// export that fails leaves its request open.
    /// - Parameter dsrRequest: a registered access request (`cordon dsr open`) this export
    ///   answers; without one, the request is registered as received and answered now.
    public func export(
        _ id: SubjectID,
        context: AccessContext,
        dsrRequest: String? = nil,
        now: Int64 = Int64(Date().timeIntervalSince1970)
    ) throws -> SubjectExport {
        let (store, subject) = try requireSubject(id, action: .subjectExport, context: context)
        if let dsrRequest {
            try validateAnswer(
                dsrRequest,
                kind: .access,
                subject: id,
                region: store.region.id,
                action: .subjectExport,
                context: context
            )
        }
        try record(context, action: .subjectExport, regions: [store.region.id], subjects: [id])

        let rules = RetentionRules(policy: store.policy, catalog: configuration.catalog)
        let cutoffs = rules.cutoffs(now: now)
        let (pii, history, events, standing) = try store.read { db in
            let dek = try store.dek(of: subject)
            let pii = try store.unseal(subject.sealedPII, for: subject.id, using: dek)
            let history = try store.consentHistory(sid: subject.sid, in: db)
            let events = try Self.retainedEvents(of: subject, cutoffs: cutoffs, in: db)
            return (pii, history, events, try store.standing(of: subject, in: db))
        }

        let (access, checkpoint) = try accessHistory(of: id)
        let package = SubjectExport(
            generatedAt: Self.rfc3339(now),
            subjectId: id,
            region: store.region.id.rawValue,
            storageLocation: store.region.storageLocation,
            country: subject.country.rawValue,
            birthYear: subject.birthYear,
            globalPrivacyControl: subject.globalPrivacyControl,
            pii: pii,
            consents: history.map {
                SubjectExport.Consent(
                    purpose: $0.purpose.rawValue,
                    state: $0.state.rawValue,
                    source: $0.source,
                    recordedAt: Self.rfc3339($0.recordedAt),
                    expiresAt: $0.expiresAt.map(Self.rfc3339)
                )
            },
            events: events,
            policy: Self.policySummary(of: store, standing: standing, now: now),
            accessHistory: access,
            auditCheckpoint: checkpoint.text,
            auditVerifierKey: audit.verifierKey.description
        )
        // Last: the request is answered only once the package exists.
        try recordAnswer(
            .access,
            region: store.region.id,
            subject: id,
            requestID: dsrRequest,
            outcome: "export generated",
            context: context,
            now: now
        )
        return package
    }

    /// The subject's events still within retention, oldest first.
    private static func retainedEvents(
        of subject: StoredSubject,
        cutoffs: (purchases: Int64?, browsing: Int64?, profiles: Int64?),
        in db: Connection
    ) throws -> [SubjectExport.Event] {
        try db.query(
            """
            SELECT ts, event, channel, campaign, device, country, amount_cents, purpose FROM events
            WHERE sid = \(subject.sid)
              AND ts >= CASE WHEN event IN ('purchase', 'refund') THEN \(cutoffs.purchases ?? Int64.min) ELSE \(cutoffs.browsing ?? Int64.min) END
            ORDER BY ts, id
            """
        ).map { row in
            SubjectExport.Event(
                ts: Self.rfc3339(try row.get(Int64.self, at: 0)),
                event: try row.get(String.self, at: 1),
                channel: try row.get(String?.self, at: 2),
                campaign: try row.get(String?.self, at: 3),
                device: try row.get(String?.self, at: 4),
                country: try row.get(String.self, at: 5),
                amountCents: try row.get(Int?.self, at: 6),
                purpose: try row.get(String.self, at: 7)
            )
        }
    }

    /// The policy in force for the subject: its retention periods and the purposes lawful now.
    private static func policySummary(
        of store: RegionStore,
        standing: SubjectStanding,
        now: Int64
    ) -> SubjectExport.PolicySummary {
        var lawful: [String: String] = [:]
        for purpose in store.policy.purposes.keys {
            if case .allowed(let basis, _) = store.evaluator.decide(purpose, for: standing, now: now) {
                lawful[purpose.rawValue] = basis.rawValue
            }
        }
        var retention: [String: String] = [:]
        for (category, rule) in store.policy.retention { retention[category.rawValue] = rule.duration.description }
        return .init(
            id: store.policy.id.rawValue,
            version: store.policy.version,
            name: store.policy.name,
            jurisdiction: store.policy.jurisdiction,
            retention: retention,
            lawfulPurposes: lawful
        )
    }

    /// Every audit entry naming the subject's pseudonym, each with an inclusion proof
    /// against a checkpoint signed now (so the newest access is covered too).
    func accessHistory(of id: SubjectID) throws -> ([SubjectExport.Access], Checkpoint) {
        do {
            let checkpoint = try audit.checkpoint()
            let entries = try audit.search(AuditQuery(subject: pseudonym(id), limit: Int.max))
                .filter { $0.sequence < checkpoint.treeSize }
            let access = try entries.map { entry in
                SubjectExport.Access(
                    sequence: entry.sequence,
                    time: entry.time.description,
                    actor: entry.actor,
                    actorName: entry.actorName,
                    role: entry.role,
                    action: entry.action,
                    purpose: entry.purpose,
                    outcome: entry.outcome.rawValue,
                    requestId: entry.requestId,
                    proof: try audit.inclusionProof(index: entry.sequence, treeSize: checkpoint.treeSize)
                )
            }
            return (access, checkpoint)
        } catch {
            throw VaultError(
                .auditUnavailable,
                "cannot read the subject's access history from the audit trail: \(error)",
                underlying: error
            )
        }
    }

    static func rfc3339(_ seconds: Int64) -> String {
        Timestamp.format(Date(timeIntervalSince1970: Double(seconds)))
    }
}
