import CordonAudit
import CordonCore
import CordonServer
import Foundation
import Testing

@Suite("Query and budget endpoints")
struct QueryEndpointTests {
    static let sql = "SELECT channel, COUNT(DISTINCT subject) AS visitors FROM events GROUP BY channel"

    func body(_ sql: String = Self.sql, purpose: String = "analytics", extra: String = "") -> String {
        let escaped = sql.replacingOccurrences(of: "\"", with: "\\\"")
        return #"{"sql":"\#(escaped)","purpose":"\#(purpose)"\#(extra)}"#
    }

    @Test func anAnalystGetsAnAnonymizedAnswerWithItsPrivacyMetadata() throws {
        let fixture = try ServerFixture()
        fixture.ingest("subjects", (0..<40).map { ServerFixture.subject("q-\($0)", country: "DE") })
        fixture.ingest("events", (0..<40).map { ServerFixture.event("q-\($0)") })
        let reply = fixture.call("POST", "/v1/query", token: "analyst", body: body(), contentType: "application/json")
        #expect(reply.status == 200, "\(reply.text)")
        let json = try #require(reply.json)
        #expect(json["columns"] as? [String] == ["channel", "visitors"])
        let privacy = try #require(json["privacy"] as? [String: Any])
        #expect((privacy["epsilonSpent"] as? [String: String])?.isEmpty == false)
        #expect(privacy["cached"] as? Bool == false)
        // The same question again: the released answer, no new spending.
        let again = fixture.call("POST", "/v1/query", token: "analyst", body: body(), contentType: "application/json")
        #expect((again.json?["privacy"] as? [String: Any])?["cached"] as? Bool == true)
        let budget = fixture.call("GET", "/v1/budget", token: "analyst")
        #expect(budget.status == 200)
        #expect(budget.json?["analyst"] as? String == "analyst")
        let metrics = fixture.call("GET", "/metrics", token: "admin")
        #expect(metrics.text.contains("cordon_query_epsilon_spent_total{region=\"eu\"}"))
        let requestID = try #require(reply.header("X-Request-Id"))
        let entries = try fixture.auditEntries(requestID: requestID)
        #expect(entries.contains { $0.action == "query.run" && $0.query != nil && $0.privacyCost != nil })
    }

    @Test func malformedAndRefusedQueriesAre400WithAPosition() throws {
        let fixture = try ServerFixture()
        let syntax = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst",
            body: body("SELEC channel"),
            contentType: "application/json"
        )
        #expect(syntax.status == 400)
        #expect(syntax.code == "syntax")
        #expect(syntax.json?["message"] as? String ?? "" ~= "line 1")
        let pii = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst",
            body: body("SELECT email FROM events"),
            contentType: "application/json"
        )
        #expect(pii.status == 400)
        #expect(pii.code == "refused")
        let purpose = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst",
            body: body(purpose: "mind_reading"),
            contentType: "application/json"
        )
        #expect(purpose.status == 400)
        let mechanism = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst",
            body: body(extra: #","mechanism":"floating"}"#.dropLast().description),
            contentType: "application/json"
        )
        #expect(mechanism.status == 400)
    }

    @Test func explainSpendsNothing() throws {
        let fixture = try ServerFixture()
        let plan = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst",
            body: body(extra: #","explain":true"#),
            contentType: "application/json"
        )
        #expect(plan.status == 200, "\(plan.text)")
        #expect(plan.json?["wouldUseReleasedAnswer"] as? Bool == false)
        let budget = fixture.call("GET", "/v1/budget", token: "analyst")
        let regions = try #require(budget.json?["regions"] as? [[String: Any]])
        #expect(regions.allSatisfy { ($0["spent"] as? String).map { Double($0) == 0 } ?? false })
    }

    @Test func aScopedAnalystQueriesOnlyItsRegions() throws {
        let fixture = try ServerFixture()
        let reply = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst-eu",
            body: body(),
            contentType: "application/json"
        )
        #expect(reply.status == 200, "\(reply.text)")
        let spent = (reply.json?["privacy"] as? [String: Any])?["epsilonSpent"] as? [String: String]
        #expect(spent.map { Set($0.keys) } == ["eu"])
        let outside = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst-eu",
            body: body(Self.sql.replacingOccurrences(of: "GROUP BY", with: "WHERE region = 'us' GROUP BY")),
            contentType: "application/json"
        )
        #expect(outside.status == 400 && outside.code == "refused", "\(outside.text)")
        let budget = fixture.call("GET", "/v1/budget", token: "analyst-eu")
        #expect((budget.json?["regions"] as? [[String: Any]])?.compactMap { $0["region"] as? String } == ["eu"])
    }

    @Test func otherRolesCannotQuery() throws {
        let fixture = try ServerFixture()
        for role in ["dpo", "ingest", "admin"] {
            let reply = fixture.call("POST", "/v1/query", token: role, body: body(), contentType: "application/json")
            #expect(reply.status == 403 && reply.code == "forbidden")
        }
    }
}

private func ~= (text: String, fragment: String) -> Bool { text.contains(fragment) }
