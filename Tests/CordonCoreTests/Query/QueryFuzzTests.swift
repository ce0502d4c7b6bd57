import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

/// Random and mutated query texts through the parser and validator, and through
/// `Vault.query`: each is answered or refused with a `QueryError`, never a crash or another
/// error.
@Suite("Fuzz: query texts")
struct QueryFuzzTests {
    static let valid = [
        "SELECT channel, COUNT(DISTINCT subject) FROM events GROUP BY channel",
        "SELECT country, channel, COUNT(DISTINCT subject) AS buyers, SUM(amount) AS revenue FROM events WHERE event = 'purchase' AND ts >= '2025-01-01' GROUP BY country, channel",
        "SELECT FUNNEL('page_view', 'add_to_cart', 'purchase') WITHIN INTERVAL '7 days' FROM events",
        "SELECT ATTRIBUTION(last_touch) OF 'purchase' BY channel WITHIN INTERVAL '30 days' FROM events",
        "SELECT AB(campaign, 'cmp-a', 'cmp-b') CONVERTS 'purchase' WITHIN INTERVAL '14 days' FROM events",
        "SELECT country, COUNT(*) AS people FROM subjects GROUP BY country ORDER BY people DESC LIMIT 10",
        "SELECT day(ts), AVG(amount) FROM events WHERE channel IN ('search', 'email') AND NOT (device = 'mobile' OR amount BETWEEN 1 AND 100) GROUP BY day(ts)",
        "SELECT COUNT(*) FROM events WHERE ts >= '2025-05-01T00:00:00+02:00' AND ts < '2025-06-01T00:00:00Z'",
    ]
    static let fragments = [
        "(", ")", "'", "''", ",", ";", "--", "/*", "*/", "NOT ", "AND ", "OR ", "SELECT ", "FROM ", "WHERE ",
        "GROUP BY ", "ORDER BY ", "LIMIT ", "IN (", "BETWEEN ", "COUNT(*)", "subject", "email", "*", "\"", "\u{0}",
        "99999999999999999999", "-1", "'2025-02-30'", "'9999-12-31T23:59:59Z'", "DROP TABLE events", "UNION SELECT ",
        String(repeating: "(", count: 100), String(repeating: "NOT ", count: 50), String(repeating: "a", count: 300),
        "ＳＥＬＥＣＴ", "\u{0441}", "é", "\r\n",
    ]
    static let words = [
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "LIMIT", "AND", "OR", "NOT", "IN", "BETWEEN", "AS", "events",
        "subjects", "channel", "country", "ts", "amount", "COUNT", "SUM", "AVG", "DISTINCT", "subject", "FUNNEL",
        "ATTRIBUTION", "AB", "WITHIN", "INTERVAL", "OF", "CONVERTS", "(", ")", ",", "*", "=", "<>", ">=", "'x'",
        "'7 days'",
        "1", "0", "day(ts)",
    ]

    /// A mutated valid query, a random token sequence, or random text.
    static func text(_ random: inout FuzzRandom) -> String {
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<6:
            let mutated = random.mutateLine(Array(random.pick(valid).utf8), fragments: fragments)
            return String(decoding: mutated, as: UTF8.self)
        case 6..<9:
            return (0..<Int.random(in: 1...30, using: &random)).map { _ in random.pick(words) }.joined(separator: " ")
        default:
            return String(decoding: random.bytes(maximum: 200), as: UTF8.self)
        }
    }

    @Test("the parser and validator answer or refuse every text", arguments: [1, 2, 3, 4] as [UInt64])
    func parserAndValidator(seed: UInt64) {
        var random = FuzzRandom(seed: seed)
        let validator = QueryValidator(catalog: VaultFixture.configuration.catalog)
        var refused = 0
        for _ in 0..<400 {
            let text = Self.text(&random)
            do {
                _ = try validator.validate(try QueryParser.parse(text))
            } catch {
                refused += 1
                #expect(!error.message.isEmpty && (error.line ?? 1) >= 1)
            }
        }
        #expect(refused > 0)
        for query in Self.valid {
            #expect(throws: Never.self, "\(query)") { try validator.validate(try QueryParser.parse(query)) }
        }
    }

    @Test("Vault.query answers or refuses with a QueryError", arguments: [7, 8] as [UInt64])
    func throughTheVault(seed: UInt64) throws {
        var random = FuzzRandom(seed: seed)
        let fixture = try QueryFixture(configuration: QueryFixture.configuration(budget: 1_000_000))
        try fixture.population("q", count: 30)
        var answered = 0
        for index in 0..<120 {
            let text = index < Self.valid.count ? Self.valid[index] : Self.text(&random)
            do {
                _ = try fixture.query(text, seed: UInt64(index))
                answered += 1
            } catch let error as QueryError {
                #expect(!error.message.isEmpty, "\(text)")
            } catch {
                Issue.record("\(text): not a QueryError: \(error)")
            }
        }
        #expect(answered >= Self.valid.count)
    }
}
