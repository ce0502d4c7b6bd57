import CordonStore
import Foundation
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
            let consents: [(String, String)] = pick(&random, 6) == 0 ? [("order_fulfillment", "granted")] : [("analytics", state), ("order_fulfillment", "granted")]
            subjects.append(VaultFixture.subject("r-\(index)", country: country, birthYear: birthYear, consents: consents, gpc: pick(&random, 3) == 0))
            if pick(&random, 4) == 0 {
                followUps.append(VaultFixture.subject(
                    "r-\(index)", country: country, birthYear: birthYear, consents: [("analytics", states[pick(&random, 4)])],
                    recordedAt: "2025-04-01T00:00:00Z", gpc: false))
            }
        }
        try fixture.ingest(subjects: subjects, events: [])
        try fixture.ingest(subjects: followUps, events: [])
        var checked = 0
        for region in fixture.vault.regionIDs {
            let store = try fixture.vault.store(region)
            let (lawful, expected) = try store.read { db -> (LawfulSubjects, [Int64: Bool]) in
                let lawful = try LawfulSubjects.load(purpose: .analytics, evaluator: store.evaluator, profileCutoff: nil, now: QueryFixture.now, in: db)
                var expected: [Int64: Bool] = [:]
                for row in try db.query("SELECT id FROM subjects") {
                    guard let id = SubjectID(rawValue: try row.get(String.self, at: 0)), let subject = try store.subject(id: id, in: db) else {
                        throw VaultError(.corrupt, "unreadable subject row")
                    }
                    let standing = try store.standing(of: subject, in: db)
                    expected[subject.sid] = store.evaluator.decide(.analytics, for: standing, now: QueryFixture.now).isAllowed
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
}
