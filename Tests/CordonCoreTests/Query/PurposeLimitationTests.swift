import CordonAudit
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

/// Purpose limitation in queries (GDPR Art. 5(1)(b) and 6(4), PIPL Art. 6): a query counts
/// only the people lawful for its purpose and only the events collected for a compatible
/// purpose, in every shape; a purpose analysts may not query is refused.
@Suite("Purpose limitation in queries", .serialized)
struct PurposeLimitationTests {
    /// `count` German subjects `prefix-0...` with analytics and marketing-email consent.
    func subjects(_ prefix: String, count: Int) -> [String] {
        (0..<count).map {
            VaultFixture.subject(
                "\(prefix)-\($0)",
                country: "DE",
                consents: [
                    ("analytics", "granted"), ("marketing_email", "granted"), ("ads_personalization", "granted"),
                ]
            )
        }
    }

    @Test(arguments: [Purpose.orderFulfillment, .saleOrShare])
    func aPurposeAnalystsMayNotQueryIsRefusedAndAudited(purpose: Purpose) throws {
        let fixture = try QueryFixture()
        try fixture.ingest(subjects: subjects("p", count: 10), events: [])
        let error = #expect(throws: QueryError.self) {
            try fixture.query("SELECT country, COUNT(*) FROM subjects GROUP BY country", purpose: purpose)
        }
        #expect(error?.code == .purpose)
        #expect(error?.message.contains("purpose '\(purpose)' may not be queried") == true)
        #expect(error?.message.hasSuffix("queryable purposes: analytics, marketing_email, ads_personalization") == true)
        let explain = #expect(throws: QueryError.self) {
            try fixture.vault.explain(
                "SELECT COUNT(*) FROM events",
                purpose: purpose,
                analyst: "ana",
                context: fixture.context,
                options: QueryOptions(now: QueryFixture.now)
            )
        }
        #expect(explain?.code == .purpose)
        let audit = fixture.vault.audit
        let last = try audit.entries(in: (audit.treeSize - 2)..<audit.treeSize)
        #expect(last.allSatisfy { $0.outcome == .denied && $0.purpose == purpose.rawValue && $0.action == "query.run" })
    }

    @Test func aCallerMayQueryOnlyThePurposesItsTokenNames() throws {
        let fixture = try QueryFixture()
        try fixture.ingest(subjects: subjects("p", count: 10), events: [])
        let text = "SELECT country, COUNT(*) FROM subjects GROUP BY country"
        func run(_ purpose: Purpose, permitted: Set<Purpose>) throws -> QueryAnswer {
            try fixture.vault.query(
                text,
                purpose: purpose,
                analyst: "ana",
                context: fixture.context,
                options: QueryOptions(now: QueryFixture.now, permittedPurposes: permitted)
            )
        }
        let other = #expect(throws: QueryError.self) { try run(.analytics, permitted: [.marketingEmail]) }
        #expect(other?.code == .purposeNotPermitted)
        #expect(other?.message == "this token may query only for: marketing_email; 'analytics' is not one of them")
        // An analyst token from before purposes were recorded names none (control.db v5).
        let none = #expect(throws: QueryError.self) { try run(.analytics, permitted: []) }
        #expect(none?.message.contains("this token may query for no purpose") == true)
        #expect(try run(.marketingEmail, permitted: [.marketingEmail]).privacy.cached == false)
    }

    @Test func anUndeclaredPurposeIsRefusedWithTheQueryableOnes() throws {
        let fixture = try QueryFixture()
        let error = #expect(throws: QueryError.self) {
            try fixture.query("SELECT COUNT(*) FROM events", purpose: "profiling")
        }
        #expect(
            error?.message
                == "'profiling' is not a declared purpose; queryable purposes: analytics, marketing_email, ads_personalization"
        )
    }

    @Test func groupByCountsOnlyEventsCollectedForTheQueryPurpose() throws {
        let fixture = try QueryFixture()
        let events = (0..<20).flatMap { index -> [String] in
            let id = "p-\(index)"
            return [
                QueryFixture.event(id, event: "page_view", amount: nil),
                QueryFixture.event(id, event: "purchase", amount: 1000, minute: 1, purpose: "order_fulfillment"),
                QueryFixture.event(
                    id,
                    event: "email_open",
                    channel: "email",
                    amount: nil,
                    minute: 2,
                    purpose: "marketing_email"
                ),
            ]
        }
        try fixture.ingest(subjects: subjects("p", count: 20), events: events)
        let text = "SELECT event, COUNT(*) AS n, SUM(amount) AS revenue FROM events GROUP BY event"
        let analytics = try fixture.exactEUTotals(text)
        #expect(analytics.groups == [["page_view"]: [20, 20, 0]])
        let email = try fixture.exactEUTotals(text, purpose: .marketingEmail)
        #expect(email.groups == [["email_open"]: [20, 20, 0]])
    }

    @Test func aFunnelStepCollectedForAnotherPurposeIsNeverReached() throws {
        let fixture = try QueryFixture()
        let events = (0..<20).flatMap { index -> [String] in
            let id = "p-\(index)"
            return [
                QueryFixture.event(id, event: "page_view", amount: nil),
                QueryFixture.event(id, event: "add_to_cart", amount: nil, minute: 1),
                QueryFixture.event(id, event: "purchase", amount: 1000, minute: 2, purpose: "order_fulfillment"),
            ]
        }
        try fixture.ingest(subjects: subjects("p", count: 20), events: events)
        let totals = try fixture.exactEUTotals(
            "SELECT FUNNEL('page_view', 'add_to_cart', 'purchase') WITHIN INTERVAL '7 days' FROM events"
        )
        #expect(totals.groups == [[]: [20, 20, 0]])
    }

    @Test func attributionCreditsNeitherConversionsNorTouchesOfAnotherPurpose() throws {
        let fixture = try QueryFixture()
        var events: [String] = []
        for index in 0..<20 {
            // An email open (marketing email) before an analytics purchase: not a touch here.
            events.append(
                QueryFixture.event(
                    "p-\(index)",
                    event: "email_open",
                    channel: "email",
                    amount: nil,
                    purpose: "marketing_email"
                )
            )
            events.append(QueryFixture.event("p-\(index)", event: "purchase", channel: "direct", amount: 1000, day: 2))
            // A page view before a purchase recorded for fulfilment only: not a conversion here.
            events.append(QueryFixture.event("q-\(index)", event: "page_view", channel: "search", amount: nil))
            events.append(
                QueryFixture.event("q-\(index)", event: "purchase", amount: 1000, day: 2, purpose: "order_fulfillment")
            )
        }
        try fixture.ingest(subjects: subjects("p", count: 20) + subjects("q", count: 20), events: events)
        for model in ["first_touch", "last_touch", "linear"] {
            let totals = try fixture.exactEUTotals(
                "SELECT ATTRIBUTION(\(model)) OF 'purchase' BY channel WITHIN INTERVAL '30 days' FROM events"
            )
            #expect(totals.groups == [["(no touch)"]: [20, 20_000]], "\(model)")
        }
    }

    @Test func anABTestCountsExposuresAndConversionsOfTheQueryPurposeOnly() throws {
        let fixture = try QueryFixture()
        var events: [String] = []
        for index in 0..<20 {
            let id = "p-\(index)"
            events.append(
                QueryFixture.event(id, event: "page_view", campaign: index < 10 ? "cmp-a" : "cmp-b", amount: nil)
            )
            events.append(QueryFixture.event(id, event: "purchase", amount: 1000, day: 2, purpose: "order_fulfillment"))
            // An ad click is an exposure for advertising measurement, not for analytics.
            events.append(
                QueryFixture.event(
                    "r-\(index)",
                    event: "ad_click",
                    channel: "display",
                    campaign: "cmp-a",
                    amount: nil,
                    purpose: "ads_personalization"
                )
            )
        }
        try fixture.ingest(subjects: subjects("p", count: 20) + subjects("r", count: 20), events: events)
        let text = "SELECT AB(campaign, 'cmp-a', 'cmp-b') CONVERTS 'purchase' WITHIN INTERVAL '7 days' FROM events"
        #expect(try fixture.exactEUTotals(text).groups == [["cmp-a"]: [10, 0], ["cmp-b"]: [10, 0]])
        #expect(try fixture.exactEUTotals(text, purpose: .adsPersonalization).groups == [["cmp-a"]: [20, 0]])
    }

    @Test func explainShowsTheCompatibleCollectionPurposes() throws {
        let fixture = try QueryFixture()
        let plan = try fixture.vault.explain(
            "SELECT channel, COUNT(*) FROM events GROUP BY channel",
            purpose: .marketingEmail,
            analyst: "ana",
            context: fixture.context,
            options: QueryOptions(now: QueryFixture.now)
        )
        #expect(plan.sql["eu"]?.contains("\"purpose\" IN (?)") == true, "\(plan.sql)")
        #expect(plan.collectionPurposes == ["marketing_email"])
    }

    @Test func aReleasedAnswerIsKeptApartPerPurposeAndPerCompatibleSet() throws {
        // A catalog that (wrongly) let analytics count fulfilment data, then the shipped one.
        var loose = QueryFixture.configuration()
        let index = try #require(loose.catalog.purposes.firstIndex { $0.purpose == .analytics })
        loose.catalog.purposes[index].query.compatibleCollectionPurposes = [.analytics, .orderFulfillment]
        let fixture = try QueryFixture(configuration: loose)
        try fixture.ingest(subjects: subjects("p", count: 20), events: [])
        let text = "SELECT country, COUNT(*) FROM subjects GROUP BY country"
        #expect(try fixture.query(text).privacy.cached == false)
        #expect(try fixture.query(text).privacy.cached == true)
        // The same question under another purpose is another release.
        #expect(try fixture.query(text, purpose: .marketingEmail).privacy.cached == false)
        // Under the corrected catalog the old answer is not served again.
        try fixture.vault.close()
        fixture.vault = nil
        fixture.vault = try Vault.open(
            dataDirectory: fixture.directory.url,
            configuration: QueryFixture.configuration(),
            source: .keyFile(fixture.directory.url.appendingPathComponent("master.key"))
        )
        #expect(try fixture.query(text).privacy.cached == false)
    }
}
