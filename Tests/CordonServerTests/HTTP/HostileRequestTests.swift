import CordonCore
import Foundation
import Testing

@testable import CordonServer

/// Request bodies built to crash or slip past limits: each is a documented refusal.
@Suite("Hostile request bodies")
struct HostileRequestTests {
    static let blankLines = String(repeating: "\n", count: 100_000)

    @Test("100,000 blank lines are 413 too_many_lines in-process (they overflowed the stack)")
    func blankLinesInProcess() throws {
        let fixture = try ServerFixture()
        for kind in ["events", "subjects"] {
            let reply = fixture.call(
                "POST",
                "/v1/\(kind)",
                token: "ingest",
                body: Self.blankLines,
                contentType: "application/x-ndjson"
            )
            #expect(reply.status == 413 && reply.code == "too_many_lines", "\(reply.text.prefix(200))")
        }
    }

    @Test("blank lines count toward the lines-per-batch limit; within it they are skipped and counted")
    func blankLinesCountTowardTheLimit() throws {
        let fixture = try ServerFixture { $0.maximumLinesPerBatch = 3 }
        let subject = ServerFixture.subject("h-1", country: "DE")
        let over = fixture.ingest("subjects", ["", "", "", subject])
        #expect(over.status == 413 && over.code == "too_many_lines")
        let within = fixture.ingest("subjects", ["", "", subject])
        #expect(within.status == 200)
        let summary = try #require(within.json?["summary"] as? [String: Any])
        #expect(summary["accepted"] as? Int == 1 && summary["blankLines"] as? Int == 2)
        #expect(fixture.ingest("subjects", [subject, "", ""]).status == 200)
        let count = { (text: String) in Endpoints.lineCount(Array(text.utf8), stoppingAfter: 100) }
        #expect(count("a\n\nb\n") == 3 && count("a\n\nb") == 3 && count("") == 0 && count("\n") == 1)
    }

    @Test("100,000 blank lines over a real socket are 413, and the server keeps serving")
    func blankLinesOverHTTP() async throws {
        let (fixture, host) = try EndToEndTests.serve()
        defer { host.stop(grace: 1) }
        let client = HTTPClient(port: host.port)
        let reply = try await client.send(
            "POST",
            "/v1/events",
            token: fixture.tokens["ingest"],
            body: Self.blankLines,
            contentType: "application/x-ndjson"
        )
        #expect(reply.status == 413 && reply.code == "too_many_lines")
        #expect(try await client.send("GET", "/healthz").status == 200)
    }

    @Test("a JSON body nested a million levels deep is 400 malformed_json that says so")
    func deepJSONBodies() throws {
        let fixture = try ServerFixture()
        let deep = String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000)
        let object =
            #"{"right":"access","region":"eu","x":"# + String(repeating: #"{"a":"#, count: 100_000) + "1"
            + String(repeating: "}", count: 100_001)
        for (target, token, body) in [
            ("/v1/dsr", "dpo", deep), ("/v1/dsr", "dpo", object), ("/v1/query", "analyst", deep),
            ("/v1/tokens", "admin", object),
        ] {
            let reply = fixture.call("POST", target, token: token, body: body, contentType: "application/json")
            #expect(reply.status == 400 && reply.code == "malformed_json", "\(target): \(reply.text.prefix(200))")
            #expect((reply.json?["message"] as? String)?.contains("deeper than 16 levels") == true)
        }
        // Brackets inside strings are text, not nesting.
        let quoted = #"{"right":"access","region":"eu","externalRef":"\#(String(repeating: "[", count: 100))"}"#
        #expect(
            fixture.call("POST", "/v1/dsr", token: "dpo", body: quoted, contentType: "application/json").status == 201
        )
    }

    @Test("a query nested past the parser's bound is 400 too_large with its position")
    func deepQuery() throws {
        let fixture = try ServerFixture()
        let sql =
            "SELECT COUNT(*) FROM events WHERE " + String(repeating: "(", count: 200) + "channel = 'x'"
            + String(repeating: ")", count: 200)
        let body = String(
            decoding: try JSONSerialization.data(withJSONObject: ["sql": sql, "purpose": "analytics"]),
            as: UTF8.self
        )
        let reply = fixture.call("POST", "/v1/query", token: "analyst", body: body, contentType: "application/json")
        #expect(reply.status == 400 && reply.code == "too_large", "\(reply.text.prefix(300))")
        #expect((reply.json?["message"] as? String)?.contains("nest more than 32 levels") == true)
    }

    @Test("the API reads the times its own messages give as examples, with offsets")
    func times() throws {
        let fixture = try ServerFixture()
        let since = fixture.call("GET", "/v1/audit/entries?since=2025-01-31T08:00:00Z", token: "dpo")
        #expect(since.status == 200, "\(since.text.prefix(200))")
        let offset = fixture.call("GET", "/v1/audit/entries?until=2025-01-31T09:00:00.5%2B01:00", token: "dpo")
        #expect(offset.status == 200, "\(offset.text.prefix(200))")
        let opened = fixture.call(
            "POST",
            "/v1/dsr",
            token: "dpo",
            body: #"{"right":"access","region":"eu","externalRef":"t-1","receivedAt":"2025-01-31T09:00:00+01:00"}"#,
            contentType: "application/json"
        )
        #expect(opened.status == 201 && opened.json?["receivedAt"] as? String == "2025-01-31T08:00:00.000Z")
        let bad = fixture.call("GET", "/v1/audit/entries?since=2025-01-31T08:00:00", token: "dpo")
        #expect(bad.status == 400 && (bad.json?["message"] as? String)?.contains("2025-01-31T08:00:00Z") == true)
    }

    @Test("the server refuses events past its configured clock skew")
    func clockSkew() throws {
        let fixture = try ServerFixture { $0.maximumClockSkewSeconds = 3600 }
        #expect(fixture.ingest("subjects", [ServerFixture.subject("s-1", country: "DE")]).status == 200)
        let soon = Timestamp.format(Date().addingTimeInterval(1800))
        let later = Timestamp.format(Date().addingTimeInterval(7200))
        let reply = fixture.ingest(
            "events",
            [ServerFixture.event("s-1"), ServerFixture.event("s-1"), ServerFixture.event("s-1")].enumerated().map {
                $0.offset == 0
                    ? $0.element
                    : $0.element.replacingOccurrences(
                        of: ServerFixture.recent,
                        with: $0.offset == 1 ? soon : later
                    )
            }
        )
        let summary = try #require(reply.json?["summary"] as? [String: Any])
        #expect(
            summary["accepted"] as? Int == 2 && summary["rejectedByReason"] as? [String: Int] == ["invalid_field": 1]
        )
        let rejection = try #require((reply.json?["rejections"] as? [[String: Any]])?.first)
        #expect(rejection["line"] as? Int == 3 && rejection["field"] as? String == "ts")
    }
}
