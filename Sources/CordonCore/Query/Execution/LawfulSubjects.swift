import CordonStore
import Synchronization

/// The subjects of one region whose data may be used for a purpose at one instant.
///
/// Decided by ``LawfulBasisEvaluator`` itself — one call per subject with the subject's
/// latest consent record for the purpose — so a query uses exactly the definition ingest and
/// export use (no second, SQL, copy of the rules to drift). Subjects whose profile is past
/// retention (no update and no event since the `user.contact` cutoff) are excluded as the
/// sweeper would erase them.
///
/// Deciding a population costs one evaluator call per subject, more than many queries
/// themselves, so a region store keeps its last ``Decisions`` per purpose and reuses them
/// only while they provably still hold (``Decisions/hold(version:now:)``).
struct LawfulSubjects: Sendable {
    /// Indexed by `sid` (dense `INTEGER PRIMARY KEY`s): lawful at this view's instant.
    private let allowed: [Bool]
    /// How many subjects are lawful.
    let count: Int

    func contains(_ sid: Int64) -> Bool {
        sid >= 0 && sid < allowed.count && allowed[Int(sid)]
    }

    /// Every subject's standing for one purpose, decided at one instant and store state.
    struct Decisions: Sendable {
        /// Indexed by `sid`: the subject's last activity (latest profile update or event)
        /// when the evaluator allows the purpose, and `Int64.min` when it does not or no
        /// such subject exists.
        let lastActive: [Int64]
        /// The store's `decisions_version` they were read at: triggers advance it on every
        /// write to subjects or consents and every deleted event (schema version 2).
        let version: Int64
        /// The instant they were decided at, and the first instant at which one of them
        /// could differ without any write (a consent expiring, or the age every birth year
        /// maps to moving on).
        let decidedAt: Int64
        let validUntil: Int64

        /// Whether these decisions are exactly what deciding again would give: nothing they
        /// depend on was written since (the version is read in the query's own snapshot)
        /// and `now` lies inside the window in which no decision depends on the clock.
        /// Events inserted since only raise last activity; ``view(activeSince:latestEvent:)``
        /// looks those up.
        func hold(version: Int64, now: Int64) -> Bool {
            version == self.version && now >= decidedAt && now < validUntil
        }

        /// The lawful subjects at a profile-retention cutoff (nil: no retention period).
        /// A lawful subject whose kept last activity is before the cutoff may have had
        /// events since: `latestEvent` gives its newest event time now (in the query's
        /// snapshot), and the subject stays in when that is within retention.
        func view(activeSince cutoff: Int64?, latestEvent: (Int64) throws -> Int64?) rethrows -> LawfulSubjects {
            let since = cutoff ?? Int64.min + 1  // Int64.min marks "not lawful"
            var allowed = [Bool](repeating: false, count: lastActive.count)
            var count = 0
            for (sid, active) in lastActive.enumerated() where active != .min {
                let inRetention = try active >= since || (latestEvent(Int64(sid)) ?? .min) >= since
                if inRetention {
                    allowed[sid] = true
                    count += 1
                }
            }
            return LawfulSubjects(allowed: allowed, count: count)
        }
    }

    /// Reads every subject's standing for `purpose` and asks the evaluator.
    static func decide(
        purpose: Purpose,
        evaluator: LawfulBasisEvaluator,
        now: Int64,
        in db: Connection
    ) throws -> Decisions {
        let version = try decisionsVersion(in: db)
        var lastActive: [Int64] = []
        var validUntil = Int64.max
        var anyBirthYear = false
        try db.scanRows(
            """
            SELECT s.sid, s.country, s.birth_year, s.gpc, c.state, c.recorded_at, c.expires_at,
                   MAX(s.updated_at, COALESCE((SELECT MAX(e.ts) FROM events e WHERE e.sid = s.sid), s.updated_at))
            FROM subjects s
            LEFT JOIN consents c ON c.id = (
                SELECT id FROM consents WHERE sid = s.sid AND purpose = \(purpose.rawValue) ORDER BY recorded_at DESC, id DESC LIMIT 1)
            """
        ) { row in
            let sid = try row.get(Int64.self, at: 0)
            guard let country = CountryCode(rawValue: try row.get(String.self, at: 1)) else {
                throw VaultError(.corrupt, "a subject row holds an invalid country")
            }
            var latest: [Purpose: ConsentRecord] = [:]
            if let stateText = try row.get(String?.self, at: 4) {
                guard let state = ConsentState(rawValue: stateText) else {
                    throw VaultError(.corrupt, "a consent row holds an unknown state")
                }
                let expiresAt = try row.get(Int64?.self, at: 6)
                if let expiresAt, expiresAt > now { validUntil = min(validUntil, expiresAt) }
                latest[purpose] = ConsentRecord(
                    purpose: purpose,
                    state: state,
                    source: "",
                    recordedAt: try row.get(Int64.self, at: 5),
                    expiresAt: expiresAt
                )
            }
            let birthYear = try row.get(Int?.self, at: 2)
            anyBirthYear = anyBirthYear || birthYear != nil
            let standing = SubjectStanding(
                country: country,
                birthYear: birthYear,
                globalPrivacyControl: try row.get(Bool.self, at: 3),
                latestConsents: latest
            )
            guard evaluator.decide(purpose, for: standing, now: now).isAllowed, sid >= 0, sid < Int64(Int32.max) else {
                return
            }
            if Int(sid) >= lastActive.count {
                lastActive += [Int64](repeating: .min, count: Int(sid) - lastActive.count + 1)
            }
            lastActive[Int(sid)] = max(try row.get(Int64.self, at: 7), Int64.min + 1)
        }
        if anyBirthYear { validUntil = min(validUntil, SubjectStanding.nextAgeChange(after: now)) }
        return Decisions(lastActive: lastActive, version: version, decidedAt: now, validUntil: validUntil)
    }

    static func decisionsVersion(in db: Connection) throws -> Int64 {
        guard let version = try db.scalar(Int64.self, "SELECT value FROM store_state WHERE key = 'decisions_version'")
        else {
            throw VaultError(.corrupt, "the region store has no decisions version (schema version 2)")
        }
        return version
    }

    /// The newest event time of `sid`, in `db`'s snapshot.
    static func latestEvent(of sid: Int64, in db: Connection) throws -> Int64? {
        try db.scalar(Int64?.self, "SELECT MAX(ts) FROM events WHERE sid = \(sid)") ?? nil
    }

    /// The lawful subjects for `purpose` at `now` with a profile-retention cutoff, decided
    /// afresh (tests; queries go through ``RegionStore/lawfulSubjects(for:now:profileCutoff:in:)``).
    static func load(
        purpose: Purpose,
        evaluator: LawfulBasisEvaluator,
        profileCutoff: Int64?,
        now: Int64,
        in db: Connection
    ) throws
        -> LawfulSubjects
    {
        try decide(purpose: purpose, evaluator: evaluator, now: now, in: db)
            .view(activeSince: profileCutoff) { try latestEvent(of: $0, in: db) }
    }
}

extension Connection {
    /// Steps through `select`, whose rows come ordered by subject with `sid` in column 0,
    /// skipping every subject outside `lawful`: `row` sees each row of a lawful subject,
    /// then `subjectEnded` is called once with that subject's `sid`.
    func forEachLawfulSubject(
        _ select: SQL,
        lawful: LawfulSubjects,
        row: (RowCursor) throws -> Void,
        subjectEnded: (Int64) -> Void
    ) throws {
        var current: Int64?
        try scanRows(select) { cursor in
            let sid = try cursor.get(Int64.self, at: 0)
            guard lawful.contains(sid) else { return }
            if sid != current {
                if let current { subjectEnded(current) }
                current = sid
            }
            try row(cursor)
        }
        if let current { subjectEnded(current) }
    }
}

extension RegionStore {
    /// The lawful subjects for `purpose` at `now`, read in `db`'s snapshot: the store's
    /// cached decisions when they provably still hold, otherwise decided again (and cached).
    func lawfulSubjects(
        for purpose: Purpose,
        now: Int64,
        profileCutoff: Int64?,
        in db: Connection
    ) throws -> LawfulSubjects {
        let version = try LawfulSubjects.decisionsVersion(in: db)
        let decisions: LawfulSubjects.Decisions
        if let cached = lawfulDecisions.withLock({ $0[purpose] }), cached.hold(version: version, now: now) {
            decisions = cached
        } else {
            decisions = try LawfulSubjects.decide(purpose: purpose, evaluator: evaluator, now: now, in: db)
            lawfulDecisions.withLock { cache in
                // Keep the newer of two concurrent readers' decisions.
                if (cache[purpose]?.version ?? .min) <= decisions.version { cache[purpose] = decisions }
            }
        }
        return try decisions.view(activeSince: profileCutoff) { try LawfulSubjects.latestEvent(of: $0, in: db) }
    }
}
