import CordonStore
import Foundation
import Testing

@testable import CordonCore

@Suite("Query language")
struct QueryParserTests {
    private func validate(_ text: String) throws -> ValidatedQuery {
        try QueryValidator(catalog: VaultFixture.configuration.catalog).validate(try QueryParser.parse(text))
    }

    private func failure(_ text: String) -> QueryError? {
        do {
            _ = try validate(text)
            return nil
        } catch let error as QueryError {
            return error
        } catch {
            return nil
        }
    }

    @Test func parsesTheDesignExample() throws {
        let query = try validate(
            """
            SELECT country, channel, COUNT(DISTINCT subject) AS buyers, SUM(amount) AS revenue
            FROM events
            WHERE event = 'purchase' AND ts >= '2025-01-01' AND ts < '2025-02-01'
            GROUP BY country, channel
            """
        )
        #expect(query.dimensions == [.field(.channel), .field(.country)])
        #expect(query.columns.map(\.label) == ["country", "channel", "buyers", "revenue"])
        #expect(
            query.canonicalText == """
                SELECT channel, country, COUNT(DISTINCT subject), SUM(amount) FROM events WHERE event = 'purchase' AND ts < '2025-02-01T00:00:00Z' AND ts >= '2025-01-01T00:00:00Z' GROUP BY channel, country
                """
        )
    }

    @Test func parsesShapes() throws {
        let funnel = try validate(
            "SELECT device, FUNNEL('page_view','add_to_cart','purchase') WITHIN INTERVAL '7 days' FROM events GROUP BY device"
        )
        #expect(
            funnel.computation
                == .shape(.funnel(steps: ["page_view", "add_to_cart", "purchase"], windowSeconds: 7 * 86_400))
        )
        let attribution = try validate(
            "SELECT ATTRIBUTION(linear) OF 'purchase' BY channel WITHIN INTERVAL '30 days' FROM events"
        )
        #expect(
            attribution.computation
                == .shape(
                    .attribution(model: .linear, conversion: "purchase", by: .channel, windowSeconds: 30 * 86_400)
                )
        )
        let ab = try validate(
            "SELECT AB(campaign, 'cmp-a', 'cmp-b') CONVERTS 'purchase' WITHIN INTERVAL '2 weeks' FROM events WHERE country = 'DE'"
        )
        #expect(
            ab.computation
                == .shape(
                    .abTest(
                        field: .campaign,
                        variantA: "cmp-a",
                        variantB: "cmp-b",
                        conversion: "purchase",
                        windowSeconds: 14 * 86_400
                    )
                )
        )
    }

    @Test(arguments: [
        ("SELECT * FROM events", QueryError.Code.refused, "SELECT *"),
        ("SELECT externalId, COUNT(*) FROM events GROUP BY externalId", .refused, "identif"),
        ("SELECT subject, COUNT(*) FROM events GROUP BY subject", .refused, "raw identifier"),
        ("SELECT sid FROM events", .refused, "raw identifier"),
        ("SELECT email, COUNT(*) FROM events", .refused, "personal data"),
        ("SELECT COUNT(*) FROM events WHERE email = 'a@b.c'", .refused, "personal data"),
        ("SELECT channel FROM events", .refused, "rows without aggregation"),
        ("SELECT ts, COUNT(*) FROM events GROUP BY ts", .refused, "day(ts)"),
        ("SELECT MAX(amount) FROM events", .refused, "MAX"),
        ("SELECT email, COUNT(*) FROM subjects GROUP BY email", .refused, "personal data"),
        ("SELECT birth_year, COUNT(*) FROM subjects GROUP BY birth_year", .refused, "consent-age"),
        ("SELECT country FROM subjects", .refused, "rows without aggregation"),
        ("SELECT device, COUNT(*) FROM subjects GROUP BY device", .invalid, "country or region only"),
        ("SELECT SUM(amount) FROM subjects", .invalid, "no measure"),
        ("SELECT COUNT(*) FROM subjects WHERE channel = 'x'", .invalid, "country or region only"),
        ("SELECT FUNNEL('page_view', 'purchase') WITHIN INTERVAL '7 days' FROM subjects", .invalid, "FROM events"),
        ("SELECT COUNT(*) FROM users", .invalid, "events and subjects"),
        (
            "SELECT ATTRIBUTION(last_touch) OF 'purchase' BY channel WITHIN INTERVAL '30 days' FROM events ORDER BY revenue",
            .invalid,
            "channel, conversions, subjects"
        ),
        ("DELETE FROM events", .refused, "only SELECT"),
    ])
    func refusesWithAReason(_ text: String, _ code: QueryError.Code, _ fragment: String) throws {
        let error = try #require(failure(text))
        #expect(error.code == code)
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test func errorsPointAtLineAndColumnAndSayWhatIsAllowed() throws {
        let error = try #require(failure("SELECT COUNT(*)\nFROM events\nWHERE channel ~ 'x'"))
        #expect(error.line == 3 && error.column == 15)
        #expect(error.message.contains("operators are"))
        let unknown = try #require(failure("SELECT colour, COUNT(*) FROM events GROUP BY colour"))
        #expect(unknown.line == 1 && unknown.column == 46)
        #expect(unknown.message.contains("country, region, channel"))
    }

    @Test(arguments: [
        "SELECT COUNT(*) FROM events WHERE channel = ''; DROP TABLE events; --'",
        "SELECT COUNT(*) FROM events; DROP TABLE events; --",
        "SELECT COUNT(*) FROM events WHERE channel = 'x' OR 1=1",
        "SELECT COUNT(*) FROM events WHERE channel = \"x\"",
        "SELECT COUNT(*) FROM events WHERE channel = 'a\u{0}b'",
        "SELECT COUNT(*) FROM events\u{0}",
        "SELECT COUNT(*) FROM events WHERE channel \u{FF1D} 'x'",
        "SELECT COUNT(*) FROM events WHERE \u{0441}ountry = 'DE'",
        "SELECT COUNT(*) FROM events WHERE channel = 'unterminated",
        "SELECT COUNT(*) FROM events UNION SELECT COUNT(*) FROM events",
        "SELECT COUNT(*) FROM events WHERE ts >= '2025-02-30'",
        "SELECT COUNT(*) FROM events LIMIT 0",
        "SELECT COUNT(*) FROM events WHERE amount > 99999999999999999999",
        "",
        "SELECT",
        "SELECT COUNT(*) FROM events, subjects",
    ])
    func hostileInputGivesAnErrorNeverACrash(_ text: String) {
        #expect(failure(text) != nil, "\(text)")
    }

    @Test func hugeAndDeepInputsAreRefusedByLimits() throws {
        let deep =
            "SELECT COUNT(*) FROM events WHERE " + String(repeating: "(", count: 10_000) + "channel = 'x'"
            + String(repeating: ")", count: 10_000)
        #expect(failure(deep)?.code == .tooLarge)
        let nots = "SELECT COUNT(*) FROM events WHERE " + String(repeating: "NOT ", count: 10_000) + "channel = 'x'"
        #expect(failure(nots)?.code == .tooLarge)
        let huge = "SELECT COUNT(*) FROM events WHERE channel = '" + String(repeating: "a", count: 1_000_000) + "'"
        #expect(failure(huge)?.code == .tooLarge)
        let longList =
            "SELECT COUNT(*) FROM events WHERE channel IN (" + (0..<500).map { "'c\($0)'" }.joined(separator: ",") + ")"
        #expect(failure(longList)?.code == .tooLarge)
        let atLimit =
            "SELECT COUNT(*) FROM events WHERE " + String(repeating: "(", count: 30) + "channel = 'x'"
            + String(repeating: ")", count: 30)
        #expect(failure(atLimit) == nil)
    }

    @Test func injectionTextStaysABoundValue() throws {
        let query = try validate("SELECT COUNT(*) FROM events WHERE channel = ''' ; DROP TABLE events; --'")
        let sql = RegionSQL(region: "eu", collectionPurposes: [.analytics], purchaseCutoff: 0, browsingCutoff: 0)
            .condition(query.filter)
        #expect(!sql.text.contains("DROP"))
        #expect(sql.arguments.contains(.text("' ; DROP TABLE events; --")))
    }

    /// On `subjects` a row is a person, so COUNT(*) is COUNT(DISTINCT subject): the same
    /// statistic and the same canonical query (one released answer, one budget charge).
    @Test func countingSubjectsTwoWaysIsOneQuery() throws {
        let rows = try validate("SELECT country, COUNT(*) FROM subjects GROUP BY country")
        let distinct = try validate("select country, count(distinct subject) from subjects group by country")
        #expect(rows.canonicalText == distinct.canonicalText)
        #expect(rows.canonicalText == "SELECT country, COUNT(DISTINCT subject) FROM subjects GROUP BY country")
        #expect(rows.table == .subjects)
        #expect(try validate("SELECT COUNT(*) FROM events").canonicalText != rows.canonicalText)
    }

    /// ORDER BY on a shape names the shape's own columns, or their positions.
    @Test func shapesOrderByTheirOwnColumns() throws {
        let attribution = try validate(
            "SELECT ATTRIBUTION(linear) OF 'purchase' BY channel WITHIN INTERVAL '30 days' FROM events ORDER BY conversions DESC, 1"
        )
        #expect(attribution.ordering.map(\.column) == [1, 0])
        #expect(attribution.ordering.map(\.descending) == [true, false])
        let funnel = try validate(
            "SELECT device, FUNNEL('page_view', 'purchase') WITHIN INTERVAL '7 days' FROM events GROUP BY device ORDER BY step, subjects DESC"
        )
        #expect(funnel.ordering.map(\.column) == [1, 3])
    }
}
