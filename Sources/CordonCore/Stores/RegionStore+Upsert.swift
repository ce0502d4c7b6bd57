import CordonCrypto
import CordonStore

extension RegionStore {
    /// Creates or updates one subject inside the caller's transaction.
    ///
    /// A new subject is stored only if at least one marketing purpose — one gated by the
    /// subject's choice (opt-in consent granted, or an opt-out right not exercised) — is
    /// lawful under this region's policy (data minimization); otherwise nothing of the line
    /// is written. Purposes that need no choice (contract, legal obligation) do not on their
    /// own justify keeping a marketing profile: Cordon has no evidence of a contract. For an
    /// existing subject the new consent records are always appended — a withdrawal must be
    /// kept as proof (GDPR Art. 7(1)) — and PII fields on the line replace the stored ones.
    ///
    /// A new subject's DEK is drawn into a slot of `keys`, the batch's guarded arena: it is
    /// used to seal the PII, wrapped under the active KEK, and zeroed when this returns.
    func upsert(
        _ line: SubjectLine,
        now: Int64,
        keys: SecureKeyArena,
        in db: Connection
    ) throws -> (SubjectID, created: Bool) {
        let externalIndex = externalIndex(normalized: line.normalizedExternalID)
        let emailIndex = try line.pii["email"].map(emailIndex)
        if let existing = try subject(externalIndex: externalIndex, in: db) {
            let history = try consentHistory(sid: existing.sid, in: db)
            let fresh = line.consents.filter { !history.contains($0) }
            try insertConsents(fresh, sid: existing.sid, in: db)
            let dek = try dek(of: existing)
            var pii = try unseal(existing.sealedPII, for: existing.id, using: dek)
            pii.merge(line.pii) { _, new in new }
            try db.execute(
                """
                UPDATE subjects SET country = \(line.country.rawValue), birth_year = \(line.birthYear ?? existing.birthYear),
                    gpc = \(line.globalPrivacyControl ?? existing.globalPrivacyControl),
                    sealed_pii = \(try seal(pii, for: existing.id, using: dek)),
                    email_index = \(emailIndex ?? (pii["email"] == nil ? nil : try self.emailIndex(pii["email"]!))),
                    updated_at = \(now)
                WHERE sid = \(existing.sid)
                """
            )
            return (existing.id, false)
        }

        let standing = SubjectStanding(
            country: line.country,
            birthYear: line.birthYear,
            globalPrivacyControl: line.globalPrivacyControl ?? false,
            latestConsents: SubjectStanding.latest(of: line.consents)
        )
        let decisions = policy.purposes.filter { $0.value.model != .notRequired }.keys.sorted()
            .map { ($0, evaluator.decide($0, for: standing, now: now)) }
        guard decisions.contains(where: { $0.1.isAllowed }) else {
            let underAge = decisions.first { if case .refused(.underAge, _) = $0.1 { true } else { false } }
            if case .refused(_, let message)? = underAge?.1 {
                throw LineRejection(reason: .underAge, message: message)
            }
            throw LineRejection(
                reason: .noLawfulBasis,
                message:
                    "no purpose has a lawful basis under \(policy.id) (for example: \(Self.firstMessage(decisions)))"
            )
        }

        let id = SubjectID.random()
        let dek = try keys.randomKey(as: SubjectDEKRole.self)
        let (wrapped, kekVersion) = try keyring.wrapDEK(dek, subjectID: id.rawValue)
        try db.execute(
            """
            INSERT INTO subjects(id, external_index, email_index, country, birth_year, gpc, sealed_pii, created_at, updated_at)
            VALUES (\(id.rawValue), \(externalIndex), \(emailIndex), \(line.country.rawValue), \(line.birthYear),
                    \(line.globalPrivacyControl ?? false), \(try seal(line.pii, for: id, using: dek)), \(now), \(now))
            """
        )
        let sid = db.lastInsertRowID
        try db.execute(
            "INSERT INTO subject_keys(sid, wrapped_dek, kek_version) VALUES (\(sid), \(wrapped), \(kekVersion))"
        )
        try insertConsents(line.consents, sid: sid, in: db)
        return (id, true)
    }

    private static func firstMessage(_ decisions: [(Purpose, LawfulBasisDecision)]) -> String {
        for (_, decision) in decisions {
            if case .refused(_, let message) = decision { return message }
        }
        return "no purpose"
    }
}
