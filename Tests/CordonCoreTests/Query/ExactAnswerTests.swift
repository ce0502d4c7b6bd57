import CordonAudit
import Foundation
import Testing

@testable import CordonCore

/// `Vault.exactAnswer`, the utility benchmark's reference: the lawful population's exact
/// values with contribution bounds off and no noise, without spending or auditing.
@Suite("Exact answers for the utility benchmark", .serialized)
struct ExactAnswerTests {
    @Test func countsEveryRowOfTheLawfulPopulationOnly() throws {
        let fixture = try QueryFixture()  // maxRows 5, maxGroups 2
        try fixture.population("s", count: 12, channel: "search", amount: 1000, perSubject: 30)
        try fixture.population("w", count: 7, channel: "email", perSubject: 3, consent: "withdrawn")
        let entriesBefore = fixture.vault.audit.treeSize
        let groups = try fixture.vault.exactAnswer(
            "SELECT channel, COUNT(DISTINCT subject), COUNT(*), SUM(amount) FROM events WHERE event = 'purchase' GROUP BY channel",
            purpose: .analytics,
            now: QueryFixture.now
        )
        // 30 rows per subject, far over maxRowsPerGroup = 5, all counted; withdrawn consent
        // keeps the email subjects out.
        #expect(groups.map(\.key) == [["search"]])
        #expect(groups.first?.statistics == ["subjects": 12, "rows": 360, "sum": 360_000])
        #expect(fixture.vault.audit.treeSize == entriesBefore)
        let spent = try fixture.query("SELECT COUNT(*) FROM events WHERE country = 'DE'")
        #expect(spent.privacy.budgetRemaining == ["eu": "27"])  // only this query's 3 of 30
    }

    @Test func journeysAreExactPerStep() throws {
        let fixture = try QueryFixture()
        try fixture.population("v", count: 9, event: "page_view", perSubject: 8)
        let groups = try fixture.vault.exactAnswer(
            "SELECT FUNNEL('page_view', 'add_to_cart', 'purchase') WITHIN INTERVAL '7 days' FROM events",
            purpose: .analytics,
            now: QueryFixture.now
        )
        #expect(groups.count == 1)
        #expect(groups.first?.statistics == ["step1": 9, "step2": 0, "step3": 0])
    }

    @Test func lawfulEventsAreTheRowsAQueryMayCount() throws {
        let fixture = try QueryFixture()
        try fixture.population("s", count: 4, channel: "search", amount: 1000, perSubject: 3)
        try fixture.population("w", count: 5, channel: "email", perSubject: 2, consent: "withdrawn")
        let entriesBefore = fixture.vault.audit.treeSize
        var rows: [Vault.LawfulEvent] = []
        try fixture.vault.lawfulEvents(purpose: .analytics, now: QueryFixture.now) { rows.append($0) }
        // The consented subjects' rows, every one of them, and none of the withdrawn ones.
        #expect(rows.count == 12)
        #expect(Set(rows.map(\.channel)) == ["search"])
        #expect(Set(rows.map(\.sid)).count == 4)
        #expect(rows.allSatisfy { $0.amountCents == 1000 && $0.region == "eu" })
        #expect(fixture.vault.audit.treeSize == entriesBefore)
    }
}
