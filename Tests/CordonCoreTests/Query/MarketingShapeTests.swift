import Foundation
import Testing

@testable import CordonCore

@Suite("Marketing shapes", .serialized)
struct MarketingShapeTests {
    /// 100 subjects view; 70 add to cart within a day; 40 of those buy within the week, 10
    /// more buy too late (day 20).
    private func funnelData(_ fixture: QueryFixture) throws {
        var subjects: [String] = []
        var events: [String] = []
        for index in 0..<100 {
            let id = "f-\(index)"
            subjects.append(VaultFixture.subject(id, country: "DE"))
            events.append(
                QueryFixture.event(
                    id,
                    event: "page_view",
                    channel: index % 2 == 0 ? "email" : "search",
                    campaign: index % 2 == 0 ? "cmp-a" : "cmp-b",
                    amount: nil,
                    day: 1
                )
            )
            if index < 70 { events.append(QueryFixture.event(id, event: "add_to_cart", amount: nil, day: 2)) }
            if index < 40 {
                events.append(QueryFixture.event(id, event: "purchase", channel: "direct", amount: 2000, day: 3))
            }
            if (40..<50).contains(index) {
                events.append(QueryFixture.event(id, event: "purchase", channel: "direct", amount: 2000, day: 20))
            }
        }
        try fixture.ingest(subjects: subjects, events: events)
    }

    @Test func funnelCountsSubjectsReachingEachStepWithinTheWindow() throws {
        let fixture = try QueryFixture(configuration: QueryFixture.configuration(epsilon: 8))
        try funnelData(fixture)
        let answer = try fixture.query(
            "SELECT FUNNEL('page_view', 'add_to_cart', 'purchase') WITHIN INTERVAL '7 days' FROM events WHERE country = 'DE'",
            seed: 5
        )
        #expect(answer.columns == ["step", "event", "subjects", "conversion_from_first"])
        #expect(answer.rows.count == 3)
        let counts = answer.rows.compactMap { row -> Double? in
            if case .number(let value) = row[2] { value.value } else { nil }
        }
        #expect(abs(counts[0] - 100) < 12 && abs(counts[1] - 70) < 12 && abs(counts[2] - 40) < 12)
    }

    @Test func attributionCreditsTouchesBeforeTheConversion() throws {
        let fixture = try QueryFixture(configuration: QueryFixture.configuration(epsilon: 8))
        try funnelData(fixture)
        let answer = try fixture.query(
            "SELECT ATTRIBUTION(first_touch) OF 'purchase' BY channel WITHIN INTERVAL '30 days' FROM events WHERE country = 'DE'",
            seed: 6
        )
        #expect(answer.columns == ["channel", "conversions", "subjects"])
        // First touch of every buyer is the day-1 page view: email for even, search for odd.
        let email = try #require(answer.value("conversions", where: "email"))
        #expect(abs(email.value - 25) < 12)
        #expect(answer.value("conversions", where: "direct") == nil)
    }

    @Test func abComparesConversionRatesOfTwoVariants() throws {
        let fixture = try QueryFixture(configuration: QueryFixture.configuration(epsilon: 8))
        try funnelData(fixture)
        let answer = try fixture.query(
            "SELECT AB(campaign, 'cmp-a', 'cmp-b') CONVERTS 'purchase' WITHIN INTERVAL '7 days' FROM events WHERE country = 'DE'",
            seed: 7
        )
        #expect(answer.columns == ["campaign", "exposed", "converted", "conversion_rate"])
        let exposed = try #require(answer.value("exposed", where: "cmp-a"))
        #expect(abs(exposed.value - 50) < 6)
        let rate = try #require(answer.value("conversion_rate", where: "cmp-a"))
        #expect(rate.low <= 0.4 && 0.4 <= rate.high)
        #expect(answer.rows.count == 3)  // a, b and the difference
    }

    @Test func shapeAnswersFollowOrderByAndKeepTheDifferenceLast() throws {
        let fixture = try QueryFixture(configuration: QueryFixture.configuration(epsilon: 8))
        try funnelData(fixture)
        let attribution = try fixture.query(
            "SELECT ATTRIBUTION(first_touch) OF 'purchase' BY channel WITHIN INTERVAL '30 days' FROM events ORDER BY channel",
            seed: 8
        )
        let channels = attribution.rows.compactMap { row -> String? in
            if case .text(let text) = row[0] { text } else { nil }
        }
        #expect(channels == channels.sorted())
        #expect(channels.count >= 2)
        let ab = try fixture.query(
            "SELECT AB(campaign, 'cmp-a', 'cmp-b') CONVERTS 'purchase' WITHIN INTERVAL '7 days' FROM events ORDER BY campaign DESC",
            seed: 9
        )
        #expect(ab.rows.map { $0[0] } == [.text("cmp-b"), .text("cmp-a"), .text("cmp-b − cmp-a")])
    }
}
