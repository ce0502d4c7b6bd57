import CordonStore
import Foundation
import Synchronization
import Testing

@testable import CordonCore

@Suite("Lawful subjects", .serialized)
struct LawfulSubjectsTests {
    /// A randomized population (ages around the consent age, GPC, every consent state,
    /// expired consents, no consent, later withdrawals) in every region: the set a query
    /// reads is exactly the set the evaluator allows, subject by subject.
    private func pick(_ random: inout SeededNoiseRandomness, _ bound: some BinaryInteger) -> Int {
        Int(random.uniform(below: UInt64(bound)) as UInt64)
    }

    @Test func queryPopulationEqualsTheEvaluatorsDecisions() throws {
        let fixture = try QueryFixture()
        var random = SeededNoiseRandomness(seed: 11)
        let countries = ["DE", "AT", "FR", "US", "GB", "BR", "CN", "NL"]
        let states = ["granted", "withdrawn", "restricted", "objected"]
        var subjects: [String] = []
        var followUps: [String] = []
        for index in 0..<600 {
            let country = countries[pick(&random, countries.count)]
            let birthYear = pick(&random, 5) == 0 ? nil : 1990 + pick(&random, 25)
            let state = states[pick(&random, states.count)]
            let consents: [(String, String)] =
                pick(&random, 6) == 0
                ? [("order_fulfillment", "granted")] : [("analytics", state), ("order_fulfillment", "granted")]
            subjects.append(
                VaultFixture.subject(
                    "r-\(index)",
                    country: country,
                    birthYear: birthYear,
                    consents: consents,
                    gpc: pick(&random, 3) == 0
                )
            )
            if pick(&random, 4) == 0 {
                followUps.append(
                    VaultFixture.subject(
                        "r-\(index)",
                        country: country,
                        birthYear: birthYear,
                        consents: [("analytics", states[pick(&random, 4)])],
                        recordedAt: "2025-04-01T00:00:00Z",
                        gpc: false
                    )
                )
            }
        }
        try fixture.ingest(subjects: subjects, events: [])
        try fixture.ingest(subjects: followUps, events: [])
        var checked = 0
        for region in fixture.vault.regionIDs {
            let store = try fixture.vault.store(region)
            let (lawful, expected) = try store.read { db -> (LawfulSubjects, [Int64: Bool]) in
                let lawful = try LawfulSubjects.load(
                    purpose: .analytics,
                    evaluator: store.evaluator,
                    profileCutoff: nil,
                    now: QueryFixture.now,
                    in: db
                )
                var expected: [Int64: Bool] = [:]
                for row in try db.query("SELECT id FROM subjects") {
                    guard let id = SubjectID(rawValue: try row.get(String.self, at: 0)),
                        let subject = try store.subject(id: id, in: db)
                    else {
                        throw VaultError(.corrupt, "unreadable subject row")
                    }
                    let standing = try store.standing(of: subject, in: db)
                    expected[subject.sid] =
                        store.evaluator.decide(.analytics, for: standing, now: QueryFixture.now).isAllowed
                }
                return (lawful, expected)
            }
            for (sid, allowed) in expected {
                #expect(lawful.contains(sid) == allowed, "region \(region) sid \(sid)")
                checked += 1
            }
        }
        // Ingest stores only subjects with some lawful, self-chosen purpose (decision 0005).
        #expect(checked > 150)
    }

    // MARK: Cached decisions

    /// A subject line whose analytics consent expires at `expiresAt`.
    private func expiring(_ id: String, state: String, expiresAt: String, birthYear: Int? = 1985) -> String {
        let year = birthYear.map { #","birthYear":\#($0)"# } ?? ""
        return
            #"{"externalId":"\#(id)","country":"DE"\#(year),"consents":[{"purpose":"analytics","state":"\#(state)","source":"test","recordedAt":"2025-03-01T10:00:00Z","expiresAt":"\#(expiresAt)"},{"purpose":"order_fulfillment","state":"granted","source":"test","recordedAt":"2025-03-01T10:00:00Z"}],"signals":{"gpc":false}}"#
    }

    /// What a query reads through the store's cache equals a fresh decision, subject by
    /// subject, at a run of later instants that cross consent expiries (granted ones that
    /// lapse, withdrawals that lapse), with writes in between.
    @Test func cachedDecisionsEqualFreshOnesAcrossExpiriesAndWrites() throws {
        let fixture = try QueryFixture()
        var random = SeededNoiseRandomness(seed: 5)
        let days = ["2025-06-16", "2025-06-18", "2025-06-20", "2025-06-25", "2025-07-01"]
        var lines: [String] = []
        for index in 0..<120 {
            let state = ["granted", "withdrawn", "objected"][pick(&random, 3)]
            lines.append(
                expiring("x-\(index)", state: state, expiresAt: "\(days[pick(&random, days.count)])T12:00:00Z")
            )
        }
        try fixture.ingest(subjects: lines, events: [])
        let store = try fixture.vault.store("eu")
        let instants = (0..<24).map { QueryFixture.now + Int64($0) * 86_400 / 2 }  // every 12 hours for 12 days
        var reused = 0
        for (step, now) in instants.enumerated() {
            if step == 9 {  // a write in the middle: one more subject
                try fixture.ingest(subjects: [VaultFixture.subject("x-late", country: "DE")], events: [])
            }
            let before = store.lawfulDecisions.withLock { $0[.analytics] }
            let (cached, fresh) = try store.read { db in
                (
                    try store.lawfulSubjects(for: .analytics, now: now, profileCutoff: nil, in: db),
                    try LawfulSubjects.load(
                        purpose: .analytics,
                        evaluator: store.evaluator,
                        profileCutoff: nil,
                        now: now,
                        in: db
                    )
                )
            }
            let after = store.lawfulDecisions.withLock { $0[.analytics] }
            if let before, before.decidedAt == after?.decidedAt { reused += 1 }
            #expect(cached.count == fresh.count, "at step \(step)")
            for sid in Int64(0)...Int64(200) {
                #expect(cached.contains(sid) == fresh.contains(sid), "sid \(sid) at step \(step)")
            }
        }
        // Some instants fall between expiries and reuse; each expiry forces a new decision.
        #expect(reused > 5)
        #expect(reused < instants.count - days.count)
    }

    /// Decisions are reused only with the same decisions version, at or after the instant
    /// they were made and before the next consent expiry or age step.
    @Test func decisionsHoldOnlyInTheirWindow() throws {
        let fixture = try QueryFixture()
        try fixture.ingest(subjects: [expiring("w-1", state: "granted", expiresAt: "2025-06-20T00:00:00Z")], events: [])
        let store = try fixture.vault.store("eu")
        let decisions = try store.read { db in
            try LawfulSubjects.decide(purpose: .analytics, evaluator: store.evaluator, now: QueryFixture.now, in: db)
        }
        let expiry: Int64 = 1_750_377_600  // 2025-06-20T00:00:00Z
        #expect(decisions.validUntil == min(expiry, SubjectStanding.nextAgeChange(after: QueryFixture.now)))
        #expect(decisions.hold(version: decisions.version, now: QueryFixture.now))
        #expect(decisions.hold(version: decisions.version, now: expiry - 1))
        #expect(!decisions.hold(version: decisions.version, now: expiry))
        #expect(!decisions.hold(version: decisions.version, now: QueryFixture.now - 1))
        #expect(!decisions.hold(version: decisions.version + 1, now: QueryFixture.now))
        #expect(decisions.view(activeSince: nil) { _ in nil }.count == 1)
    }

    /// Profile retention is applied per query to the cached last activity: a subject
    /// whose last update or event falls before the cutoff is out, without a new decision.
    @Test func profileRetentionAppliesToEachView() throws {
        let fixture = try QueryFixture()
        try fixture.population("r", count: 3)  // events at 2025-05-01
        let store = try fixture.vault.store("eu")
        let lastActivity = try store.read { db in
            try LawfulSubjects.decide(purpose: .analytics, evaluator: store.evaluator, now: QueryFixture.now, in: db)
        }
        let active = lastActivity.lastActive.filter { $0 != .min }
        #expect(active.count == 3)
        let latest = try #require(active.max())
        let noNewEvents: (Int64) -> Int64? = { _ in nil }
        #expect(lastActivity.view(activeSince: latest, latestEvent: noNewEvents).count >= 1)
        #expect(lastActivity.view(activeSince: latest + 1, latestEvent: noNewEvents).count == 0)
        #expect(lastActivity.view(activeSince: nil, latestEvent: noNewEvents).count == 3)
        // An event since the decision brings a subject back within retention.
        #expect(lastActivity.view(activeSince: latest + 1) { _ in latest + 5 }.count == 3)
    }

    /// Which writes make the store decide again: anything touching subjects or consents,
    /// and deleted events (triggers advance the decisions version); inserted events do
    /// not, and a subject whose only recent activity is such an event is still counted.
    @Test func onlyWritesDecisionsDependOnInvalidateThem() throws {
        let fixture = try QueryFixture()
        try fixture.population("v", count: 4)
        let store = try fixture.vault.store("eu")
        let version = { try store.read { db in try LawfulSubjects.decisionsVersion(in: db) } }
        let start = try version()
        try fixture.ingest(subjects: [], events: [QueryFixture.event("v-0", day: 20)])
        #expect(try version() == start)  // an inserted event changes no decision
        try fixture.ingest(subjects: [VaultFixture.subject("v-9", country: "DE")], events: [])
        #expect(try version() > start)  // a new subject does
        let afterSubject = try version()
        try fixture.ingest(
            subjects: [
                VaultFixture.subject(
                    "v-1",
                    country: "DE",
                    consents: [("analytics", "withdrawn")],
                    recordedAt: "2025-06-01T00:00:00Z"
                )
            ],
            events: []
        )
        #expect(try version() > afterSubject)  // a consent does

        // With the retention cutoff just after the profiles were written (ingest at
        // QueryFixture.now), only a later event keeps a subject in: v-0 gets one before the
        // decision, v-2 one after it — which must count without a new decision.
        let cutoff = QueryFixture.now + 1
        let later = { (id: String, hour: Int) in
            #"{"externalId":"\#(id)","ts":"2025-06-15T\#(String(format: "%02d", hour)):00:00Z","event":"page_view","channel":"search","campaign":"cmp-17","device":"mobile","purpose":"analytics"}"#
        }
        try fixture.ingest(subjects: [], events: [later("v-0", 8)])
        let (first, decidedAt) = try store.read { db in
            (
                try store.lawfulSubjects(for: .analytics, now: QueryFixture.now, profileCutoff: cutoff, in: db),
                store.lawfulDecisions.withLock { $0[.analytics]?.decidedAt }
            )
        }
        try fixture.ingest(subjects: [], events: [later("v-2", 9)])
        let (second, fresh, decidedAgain) = try store.read { db in
            (
                try store.lawfulSubjects(for: .analytics, now: QueryFixture.now + 60, profileCutoff: cutoff, in: db),
                try LawfulSubjects.load(
                    purpose: .analytics,
                    evaluator: store.evaluator,
                    profileCutoff: cutoff,
                    now: QueryFixture.now + 60,
                    in: db
                ),
                store.lawfulDecisions.withLock { $0[.analytics]?.decidedAt }
            )
        }
        #expect(decidedAgain == decidedAt)  // the inserted event did not force a new decision
        #expect(first.count == 1)  // v-0
        #expect(second.count == 2)  // and now v-2
        #expect(second.count == fresh.count)
        for sid in Int64(0)...Int64(20) { #expect(second.contains(sid) == fresh.contains(sid)) }
    }

    /// The age every birth year maps to steps at a fixed instant; decisions never outlive it.
    @Test func theAgeStepBoundsTheWindow() {
        let now = QueryFixture.now
        let next = SubjectStanding.nextAgeChange(after: now)
        #expect(next > now)
        let standing = SubjectStanding(
            country: CountryCode(rawValue: "DE")!,
            birthYear: 2010,
            globalPrivacyControl: false,
            latestConsents: [:]
        )
        #expect(standing.age(at: next - 1) == standing.age(at: now))
        #expect(standing.age(at: next) == standing.age(at: now).map { $0 + 1 })
    }
}
