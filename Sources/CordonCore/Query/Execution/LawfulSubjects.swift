import CordonStore

/// The subjects of one region whose data may be used for a purpose right now.
///
/// Decided by ``LawfulBasisEvaluator`` itself — one call per subject with the subject's
/// latest consent record for the purpose — so a query uses exactly the definition ingest and
/// export use (no second, SQL, copy of the rules to drift). Subjects whose profile is past
/// retention (no update and no event within `user.contact`) are excluded as the sweeper
/// would erase them.
struct LawfulSubjects: Sendable {
    /// Indexed by `sid` (dense `INTEGER PRIMARY KEY`s).
    private var allowed: [Bool]
    /// How many subjects are lawful.
    private(set) var count: Int

    func contains(_ sid: Int64) -> Bool {
        sid >= 0 && sid < allowed.count && allowed[Int(sid)]
    }

    /// Reads every subject's standing for `purpose` and asks the evaluator.
    static func load(purpose: Purpose, evaluator: LawfulBasisEvaluator, profileCutoff: Int64?, now: Int64, in db: Connection) throws
        -> LawfulSubjects
    {
        let cutoff = profileCutoff ?? Int64.min
        var allowed: [Bool] = []
        var count = 0
        try db.forEachRow("""
            SELECT s.sid, s.country, s.birth_year, s.gpc, c.state, c.recorded_at, c.expires_at
            FROM subjects s
            LEFT JOIN consents c ON c.id = (
                SELECT id FROM consents WHERE sid = s.sid AND purpose = \(purpose.rawValue) ORDER BY recorded_at DESC, id DESC LIMIT 1)
            WHERE s.updated_at >= \(cutoff) OR EXISTS (SELECT 1 FROM events e WHERE e.sid = s.sid AND e.ts >= \(cutoff))
            """) { row in
            let sid = try row.get(Int64.self, at: 0)
            guard let country = CountryCode(rawValue: try row.get(String.self, at: 1)) else {
                throw VaultError(.corrupt, "a subject row holds an invalid country")
            }
            var latest: [Purpose: ConsentRecord] = [:]
            if let stateText = try row.get(String?.self, at: 4) {
                guard let state = ConsentState(rawValue: stateText) else {
                    throw VaultError(.corrupt, "a consent row holds an unknown state")
                }
                latest[purpose] = ConsentRecord(
                    purpose: purpose, state: state, source: "", recordedAt: try row.get(Int64.self, at: 5),
                    expiresAt: try row.get(Int64?.self, at: 6))
            }
            let standing = SubjectStanding(
                country: country, birthYear: try row.get(Int?.self, at: 2), globalPrivacyControl: try row.get(Bool.self, at: 3),
                latestConsents: latest)
            guard evaluator.decide(purpose, for: standing, now: now).isAllowed, sid >= 0, sid < Int64(Int32.max) else { return }
            if Int(sid) >= allowed.count { allowed += [Bool](repeating: false, count: Int(sid) - allowed.count + 1) }
            allowed[Int(sid)] = true
            count += 1
        }
        return LawfulSubjects(allowed: allowed, count: count)
    }
}
