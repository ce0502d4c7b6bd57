import CordonAudit
import CordonCore
import CordonServer
import Foundation
import Testing

/// `POST /v1/query` in CSV and xlsx, per-query options, and saved queries over HTTP.
@Suite("Query workflow endpoints: CSV, xlsx, saved queries")
struct QueryWorkflowEndpointTests {
    static let hostile = #"=HYPERLINK("http://evil.example","x")"#

    func body(_ sql: String, purpose: String = "analytics", extra: String = "") -> String {
        let escaped = sql.replacingOccurrences(of: "\"", with: "\\\"")
        return #"{"sql":"\#(escaped)","purpose":"\#(purpose)"\#(extra)}"#
    }

    /// `count` German subjects, each with one purchase in a campaign with a hostile name.
    func populated(_ count: Int) throws -> ServerFixture {
        let fixture = try ServerFixture()
        let campaign = Self.hostile.replacingOccurrences(of: "\"", with: "\\\"")
        let subjects = fixture.ingest("subjects", (0..<count).map { ServerFixture.subject("w-\($0)", country: "DE") })
        #expect((subjects.json?["rejections"] as? [Any])?.isEmpty == true, "\(subjects.text.prefix(300))")
        let events = fixture.ingest(
            "events",
            (0..<count).map {
                #"{"externalId":"w-\#($0)","ts":"\#(ServerFixture.recent)","event":"purchase","channel":"search","campaign":"\#(campaign)","device":"mobile","amountCents":1000,"purpose":"analytics"}"#
            }
        )
        #expect((events.json?["rejections"] as? [Any])?.isEmpty == true, "\(events.text.prefix(300))")
        return fixture
    }

    func spent(_ fixture: ServerFixture, token: String = "analyst") throws -> [Double] {
        let regions = try #require(fixture.call("GET", "/v1/budget", token: token).json?["regions"] as? [[String: Any]])
        return regions.compactMap { ($0["spent"] as? String).flatMap(Double.init) }
    }

    @Test func csvIsAnsweredForAcceptTextCSVWithTheFormulaGuard() throws {
        // Campaign is an event-level dimension (2 groups per person by the catalog): at ε = 1
        // and δ = 1e-7 a group needs about 34 people (`--explain`), so 600 pass it by far.
        let fixture = try populated(600)
        let reply = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst",
            body: body(
                "SELECT campaign, COUNT(DISTINCT subject) AS buyers FROM events WHERE country = 'DE' GROUP BY campaign"
            ),
            contentType: "application/json",
            headers: ["Accept": "text/csv"]
        )
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.header("Content-Type")?.hasPrefix("text/csv") == true)
        let lines = reply.text.components(separatedBy: "\r\n")
        #expect(lines.contains("# confidence: 0.95"))
        #expect(lines.contains("campaign,buyers,buyers_low,buyers_high,regions,regions_suppressed"), "\(lines)")
        let row = try #require(lines.first { $0.contains("HYPERLINK") }, "\(lines)")
        #expect(row.hasPrefix(#""'=HYPERLINK(""http://evil.example"",""x"")","#))
        #expect(row.hasSuffix(",eu,"), "the row adds up the EU's part and no region withheld it: \(row)")
        // Audited like any query (by the vault: no http.request entry on top).
        let entries = try fixture.auditEntries(requestID: try #require(reply.header("X-Request-Id")))
        #expect(entries.map(\.action) == ["query.run"])
    }

    @Test func xlsxIsAnsweredForItsMediaType() throws {
        let fixture = try populated(60)
        let reply = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst",
            body: body("SELECT COUNT(*) FROM subjects"),
            contentType: "application/json",
            headers: ["Accept": AnswerExport.xlsxMediaType]
        )
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.header("Content-Type") == AnswerExport.xlsxMediaType)
        #expect(reply.body.starts(with: [0x50, 0x4B, 0x03, 0x04]))
    }

    @Test(arguments: [
        ("*/*", "application/json"), ("application/json, text/csv;q=0.5", "application/json"),
        ("text/csv;q=0, */*", "application/json"), ("text/*", "text/csv"),
        ("application/json;q=0.1, text/csv", "text/csv"),
    ])
    func acceptIsNegotiated(_ accept: String, _ expected: String) throws {
        let fixture = try ServerFixture()
        let reply = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst",
            body: body("SELECT COUNT(*) FROM subjects"),
            contentType: "application/json",
            headers: ["Accept": accept]
        )
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.header("Content-Type")?.hasPrefix(expected) == true, "\(accept)")
    }

    @Test(arguments: ["text/html", "application/json;q=0, text/csv;q=0, */*;q=0", "image/*"])
    func anUnacceptableAcceptIs406AndSpendsNothing(_ accept: String) throws {
        let fixture = try ServerFixture()
        let reply = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst",
            body: body("SELECT COUNT(*) FROM subjects"),
            contentType: "application/json",
            headers: ["Accept": accept]
        )
        #expect(reply.status == 406)
        #expect(reply.code == "not_acceptable")
        #expect(reply.message.contains("text/csv"))
        #expect(try spent(fixture).allSatisfy { $0 == 0 })
    }

    @Test(arguments: [
        (#","epsilon":0"#, "epsilon must be a finite number greater than 0"),
        (#","epsilon":-0.5"#, "epsilon must be a finite number greater than 0"),
        (#","epsilon":"1""#, "epsilon has the wrong type"),
        (#","maxGroupsPerSubject":0"#, "maxGroupsPerSubject must be a whole number greater than 0"),
        (#","maxRowsPerGroup":-2"#, "maxRowsPerGroup must be a whole number greater than 0"),
        (#","maxRowsPerGroup":"2""#, "maxRowsPerGroup has the wrong type"),
        (#","releaseThreshold":0"#, "releaseThreshold must be a whole number of people greater than 0"),
        (#","releaseThreshold":"150""#, "releaseThreshold has the wrong type"),
        (#","releaseThreshold":150.5"#, "a fraction where a whole number is expected"),
    ])
    func perQueryOptionsAreCheckedBeforeAnythingRuns(_ extra: String, _ message: String) throws {
        let fixture = try ServerFixture()
        let reply = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst",
            body: body("SELECT COUNT(*) FROM subjects", extra: extra),
            contentType: "application/json"
        )
        #expect(reply.status == 400)
        #expect(reply.message.contains(message), "\(reply.text)")
        #expect(try spent(fixture).allSatisfy { $0 == 0 })
    }

    @Test func wellFormedPerQueryOptionsAreAccepted() throws {
        let fixture = try ServerFixture()
        let reply = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst",
            body: body(
                "SELECT COUNT(*) FROM subjects",
                extra: #","epsilon":0.5,"maxGroupsPerSubject":1,"maxRowsPerGroup":2,"explain":true"#
            ),
            contentType: "application/json"
        )
        #expect(reply.status == 200, "\(reply.text)")
    }

    /// `releaseThreshold` reaches the planner: the explained plan releases groups from at most
    /// that many people, and a threshold the query's ε cannot reach is a 400 naming the least.
    @Test func aReleaseThresholdIsPlannedOrRefusedWithTheLeastItCanBe() throws {
        let fixture = try ServerFixture()
        let sql = "SELECT channel, COUNT(*) FROM events GROUP BY channel"
        let planned = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst",
            body: body(sql, extra: #","releaseThreshold":400,"explain":true"#),
            contentType: "application/json"
        )
        #expect(planned.status == 200, "\(planned.text)")
        let regions = try #require(planned.json?["regions"] as? [[String: Any]])
        #expect(!regions.isEmpty)
        for region in regions {
            let threshold = try #require(region["releaseThreshold"] as? Int)
            #expect(threshold <= 400 && threshold > 300, "\(threshold)")
        }
        let refused = fixture.call(
            "POST",
            "/v1/query",
            token: "analyst",
            body: body(sql, extra: #","releaseThreshold":11,"explain":true"#),
            contentType: "application/json"
        )
        #expect(refused.status == 400, "\(refused.text)")
        #expect(refused.message.contains("below the least this query can have"), "\(refused.text)")
        #expect(try spent(fixture).allSatisfy { $0 == 0 })
    }

    @Test func savedQueriesAreTheAnalystsOwnAndRerunForFree() throws {
        let fixture = try populated(60)
        let save = #"{"name":"people","sql":"select count(*) as people from subjects","purpose":"analytics"}"#
        let created = fixture.call("POST", "/v1/queries", token: "analyst", body: save, contentType: "application/json")
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json?["query"] as? String == "SELECT COUNT(DISTINCT subject) FROM subjects")
        #expect(created.json?["text"] as? String == "select count(*) as people from subjects")
        let list = fixture.call("GET", "/v1/queries", token: "analyst")
        #expect((list.json?["queries"] as? [[String: Any]])?.map { $0["name"] as? String } == ["people"])

        let first = fixture.call("POST", "/v1/queries/people/run", token: "analyst")
        #expect(first.status == 200, "\(first.text)")
        #expect(first.json?["columns"] as? [String] == ["people"])
        #expect((first.json?["privacy"] as? [String: Any])?["cached"] as? Bool == false)
        let spentOnce = try spent(fixture)
        let again = fixture.call(
            "POST",
            "/v1/queries/people/run",
            token: "analyst",
            headers: ["Accept": "text/csv"]
        )
        #expect(again.status == 200)
        #expect(again.text.contains("# cached: true"))
        #expect(try spent(fixture) == spentOnce)

        // Another analyst neither sees nor runs it.
        #expect((fixture.call("GET", "/v1/queries", token: "analyst-eu").json?["queries"] as? [Any])?.isEmpty == true)
        let foreign = fixture.call("POST", "/v1/queries/people/run", token: "analyst-eu")
        #expect(foreign.status == 404)
        #expect(foreign.code == "unknown_saved_query")

        let taken = fixture.call("POST", "/v1/queries", token: "analyst", body: save, contentType: "application/json")
        #expect(taken.status == 409)
        #expect(taken.code == "name_taken")
        let badName = fixture.call(
            "POST",
            "/v1/queries",
            token: "analyst",
            body: #"{"name":"no/slash","sql":"SELECT COUNT(*) FROM subjects","purpose":"analytics"}"#,
            contentType: "application/json"
        )
        #expect(badName.status == 400)
        #expect(badName.code == "invalid_name")
        let badSQL = fixture.call(
            "POST",
            "/v1/queries",
            token: "analyst",
            body: #"{"name":"pii","sql":"SELECT email FROM events","purpose":"analytics"}"#,
            contentType: "application/json"
        )
        #expect(badSQL.status == 400)
        #expect(badSQL.code == "refused")
        let otherPurpose = fixture.call(
            "POST",
            "/v1/queries",
            token: "analyst",
            body: #"{"name":"mail","sql":"SELECT COUNT(*) FROM subjects","purpose":"marketing_email"}"#,
            contentType: "application/json"
        )
        #expect(otherPurpose.status == 403)
        #expect(otherPurpose.code == "purpose_not_permitted")
    }
}
