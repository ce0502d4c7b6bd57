import CordonAudit
import Foundation
import Testing

@testable import CordonCore
@testable import CordonServer

/// Refusals: each a JSON error with a stable code and the request id, each audited.
@Suite("Limits and refusals")
struct LimitsTests {
    @Test("malformed JSON is 400 malformed_json naming no value")
    func malformedJSON() throws {
        let fixture = try ServerFixture()
        let reply = fixture.call("POST", "/v1/dsr", token: "dpo", body: "{not json", contentType: "application/json")
        #expect(reply.status == 400 && reply.code == "malformed_json")
        #expect(reply.json?["requestId"] as? String == reply.header("X-Request-Id"))
        let missing = fixture.call(
            "POST",
            "/v1/dsr",
            token: "dpo",
            body: #"{"region":"eu"}"#,
            contentType: "application/json"
        )
        #expect(missing.code == "malformed_json" && (missing.json?["message"] as? String)?.contains("right") == true)
    }

    @Test("a wrong content type is 415")
    func wrongContentType() throws {
        let fixture = try ServerFixture()
        #expect(
            fixture.call("POST", "/v1/events", token: "ingest", body: "{}", contentType: "application/json").status
                == 415
        )
        #expect(
            fixture.call("POST", "/v1/dsr", token: "dpo", body: "{}", contentType: "text/plain").code
                == "unsupported_media_type"
        )
    }

    @Test("an oversized body is 413 body_too_large; too many lines is 413 too_many_lines")
    func sizeLimits() throws {
        let fixture = try ServerFixture { configuration in
            configuration.maximumBodyBytes = 4096
            configuration.maximumLinesPerBatch = 3
        }
        let big = String(repeating: "x", count: 5000)
        let reply = fixture.call("POST", "/v1/events", token: "ingest", body: big, contentType: "application/x-ndjson")
        #expect(reply.status == 413 && reply.code == "body_too_large")
        let lines = fixture.ingest("events", (1...4).map { ServerFixture.event("c-\($0)") })
        #expect(lines.status == 413 && lines.code == "too_many_lines")
        let entries = try fixture.auditEntries(requestID: try #require(lines.header("X-Request-Id")))
        #expect(entries.map(\.reason) == ["too_many_lines"])
    }

    @Test("past its burst a token gets 429 with Retry-After; other tokens are unaffected")
    func rateLimit() throws {
        let fixture = try ServerFixture { configuration in
            configuration.rateLimitBurst = 3
            configuration.rateLimitPerSecond = 0.5
        }
        let statuses = (1...4).map { _ in fixture.call("GET", "/v1/regions", token: "dpo").status }
        #expect(statuses == [200, 200, 200, 429])
        let limited = fixture.call("GET", "/v1/regions", token: "dpo")
        #expect(limited.code == "rate_limited" && Int(limited.header("Retry-After") ?? "") ?? 0 >= 1)
        #expect(fixture.call("GET", "/v1/regions", token: "admin").status == 200)
    }

    @Test("no token, a bad token and a revoked token are 401, audited as auth.failure")
    func authentication() throws {
        let fixture = try ServerFixture()
        let none = fixture.call("GET", "/v1/regions")
        #expect(none.status == 401 && none.code == "unauthenticated" && none.header("WWW-Authenticate") != nil)
        let bad = fixture.call("GET", "/v1/regions", token: "cordon_" + String(repeating: "0", count: 64))
        #expect(bad.status == 401 && bad.code == "invalid_token")
        let entries = try fixture.auditEntries(requestID: try #require(bad.header("X-Request-Id")))
        #expect(entries.map(\.action) == ["auth.failure"] && entries[0].outcome == .denied)
        let revoke = fixture.call("DELETE", "/v1/tokens/\(fixture.tokenIDs["dpo"]!)", token: "admin")
        #expect(revoke.status == 200 && revoke.json?["revokedAt"] is String)
        #expect(fixture.call("GET", "/v1/regions", token: "dpo").code == "invalid_token")
        #expect(
            fixture.call("DELETE", "/v1/tokens/\(fixture.tokenIDs["dpo"]!)", token: "admin").code == "already_revoked"
        )
    }

    @Test("unknown routes are 404 JSON, wrong methods 405 with Allow")
    func routing() throws {
        let fixture = try ServerFixture()
        let missing = fixture.call("GET", "/v1/nothing-here", token: "dpo")
        #expect(
            missing.status == 404 && missing.code == "not_found" && missing.header("Content-Type") == "application/json"
        )
        let wrong = fixture.call("PUT", "/v1/dsr", token: "dpo")
        #expect(wrong.status == 405 && wrong.header("Allow") == "GET, POST")
    }

    @Test("a well-formed X-Request-Id is honored, anything else replaced")
    func requestIDs() throws {
        let fixture = try ServerFixture()
        #expect(
            fixture.call("GET", "/healthz", headers: ["X-Request-Id": "abc-123"]).header("X-Request-Id") == "abc-123"
        )
        let replaced = fixture.call("GET", "/healthz", headers: ["X-Request-Id": "bad id\n"]).header("X-Request-Id")
        #expect(replaced?.hasPrefix("req-") == true)
    }

    @Test("when the audit trail refuses appends every request is 503 audit_unavailable and serves nothing")
    func auditFailsClosed() throws {
        let fixture = try ServerFixture()
        fixture.ingest("subjects", [ServerFixture.subject("a", country: "DE")])
        let id = try #require(fixture.subjectID("a"))
        try fixture.vault.audit.close()
        let export = fixture.call("POST", "/v1/subjects/\(id)/export", token: "dpo")
        #expect(export.status == 503 && export.code == "audit_unavailable" && export.json?["pii"] == nil)
        #expect(fixture.call("GET", "/v1/regions", token: "dpo").code == "audit_unavailable")
        #expect(fixture.call("GET", "/v1/nope", token: "dpo").code == "audit_unavailable")
    }

    @Test("errors that do not opt in are an opaque 500 with the request id")
    func opaqueErrors() throws {
        struct Secret: Error {}
        let response = HTTPResponse.error(Secret(), requestID: "req-1")
        #expect(response.status == 500)
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"code":"internal","message":"the request failed; quote the request id to the operator","requestId":"req-1"}"#
        )
    }
}
