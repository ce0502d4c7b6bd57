import CordonAudit
import CordonCore
import CordonServer
import Foundation
import Testing

/// The role × endpoint matrix, written out independently of the policy's table: each
/// route with the roles that may call it. Every other role gets `403 forbidden`.
@Suite("Role matrix")
struct RoleMatrixTests {
    /// (method, target, body, content type, roles allowed).
    static let routes: [(String, String, String?, String?, Set<String>)] = [
        ("POST", "/v1/subjects", "", "application/x-ndjson", ["ingest"]),
        ("POST", "/v1/events", "", "application/x-ndjson", ["ingest"]),
        ("GET", "/v1/subjects/lookup?externalId=nobody", nil, nil, ["dpo"]),
        ("GET", "/v1/subjects/00000000000000000000000000000000", nil, nil, ["dpo"]),
        ("POST", "/v1/subjects/00000000000000000000000000000000/export", nil, nil, ["dpo"]),
        ("DELETE", "/v1/subjects/00000000000000000000000000000000", nil, nil, ["dpo"]),
        (
            "PATCH", "/v1/subjects/00000000000000000000000000000000", #"{"set":{"name":"X"}}"#, "application/json",
            ["dpo"]
        ),
        (
            "POST", "/v1/subjects/00000000000000000000000000000000/consents",
            #"{"purpose":"analytics","state":"withdrawn","source":"test"}"#, "application/json", ["dpo"]
        ),
        ("GET", "/v1/dsr", nil, nil, ["dpo"]),
        ("POST", "/v1/dsr", #"{"right":"access","region":"eu","externalRef":"T-1"}"#, "application/json", ["dpo"]),
        ("POST", "/v1/dsr/dsr-0000000000000000/extend", "{}", "application/json", ["dpo"]),
        ("POST", "/v1/dsr/dsr-0000000000000000/complete", "{}", "application/json", ["dpo"]),
        ("GET", "/v1/audit/entries", nil, nil, ["dpo"]),
        ("GET", "/v1/audit/entries/relay?action=http.request", nil, nil, ["coordinator"]),
        ("GET", "/v1/audit/checkpoint", nil, nil, ["dpo", "admin", "coordinator"]),
        ("GET", "/v1/audit/proof/inclusion?index=0", nil, nil, ["dpo", "admin", "coordinator"]),
        ("GET", "/v1/audit/proof/consistency?from=1&to=2", nil, nil, ["dpo", "admin", "coordinator"]),
        ("GET", "/v1/audit/pubkey", nil, nil, ["dpo", "admin", "coordinator"]),
        ("GET", "/v1/audit/cosignatures", nil, nil, ["dpo", "admin", "coordinator"]),
        // A coordinator's views (404 not_a_coordinator here, after authorization).
        ("GET", "/v1/federation/checkpoints", nil, nil, ["dpo", "admin", "coordinator"]),
        ("GET", "/v1/federation/audit/entries?action=query.run", nil, nil, ["dpo"]),
        ("POST", "/v1/audit/cosignatures", "not a note", "text/plain", ["dpo", "admin"]),
        ("GET", "/v1/policies", nil, nil, ["dpo", "admin"]),
        ("GET", "/v1/policies/gdpr", nil, nil, ["dpo", "admin"]),
        ("GET", "/v1/regions", nil, nil, ["admin", "dpo", "ingest", "analyst", "coordinator"]),
        ("POST", "/v1/retention/run", nil, nil, ["admin"]),
        ("GET", "/v1/stores/verify", nil, nil, ["admin"]),
        ("POST", "/v1/backups", nil, nil, ["admin", "dpo"]),
        ("GET", "/v1/tokens", nil, nil, ["admin"]),
        (
            "POST", "/v1/tokens", #"{"name":"x","role":"analyst","regions":["eu"],"purposes":["analytics"]}"#,
            "application/json", ["admin"]
        ),
        ("DELETE", "/v1/tokens/tok_0000000000000000", nil, nil, ["admin"]),
        ("GET", "/metrics", nil, nil, ["admin"]),
        (
            "POST", "/v1/query",
            #"{"sql":"SELECT channel, COUNT(*) FROM events GROUP BY channel","purpose":"analytics"}"#,
            "application/json", ["analyst"]
        ),
        (
            "POST", "/v1/query/release",
            #"{"sql":"SELECT channel, COUNT(*) FROM events GROUP BY channel","purpose":"analytics","analyst":"ana"}"#,
            "application/json", ["coordinator"]
        ),
        ("GET", "/v1/budget", nil, nil, ["analyst"]),
        ("GET", "/v1/queries", nil, nil, ["analyst"]),
        (
            "POST", "/v1/queries",
            #"{"name":"m","sql":"SELECT channel, COUNT(*) FROM events GROUP BY channel","purpose":"analytics"}"#,
            "application/json", ["analyst"]
        ),
        ("POST", "/v1/queries/saved-m/run", nil, nil, ["analyst"]),
        ("GET", "/v1/whoami", nil, nil, ["admin", "dpo", "ingest", "analyst", "coordinator"]),
        ("GET", "/v1/keys", nil, nil, ["admin"]),
        ("GET", "/v1/breaches", nil, nil, ["dpo", "admin"]),
        (
            "POST", "/v1/breaches", #"{"title":"t","detectedAt":"2026-01-01T00:00:00Z","regions":["eu"]}"#,
            "application/json", ["dpo", "admin"]
        ),
        ("GET", "/v1/breaches/brc-0000000000000000", nil, nil, ["dpo", "admin"]),
        ("PATCH", "/v1/breaches/brc-0000000000000000", #"{"nature":"x"}"#, "application/json", ["dpo", "admin"]),
        (
            "POST", "/v1/breaches/brc-0000000000000000/notifications", #"{"to":"authority","reference":"r"}"#,
            "application/json", ["dpo", "admin"]
        ),
        ("POST", "/v1/breaches/brc-0000000000000000/close", #"{"note":"n"}"#, "application/json", ["dpo", "admin"]),
        ("GET", "/v1/breaches/brc-0000000000000000/scope", nil, nil, ["dpo", "admin"]),
        ("GET", "/v1/breaches/brc-0000000000000000/notice?region=eu", nil, nil, ["dpo", "admin"]),
        ("GET", "/v1/ropa", nil, nil, ["dpo", "admin"]),
        ("GET", "/v1/transfers", nil, nil, ["dpo", "admin"]),
        (
            "POST", "/v1/transfers",
            #"{"subjectId":"00000000000000000000000000000000","to":"DE","mechanism":"scc"}"#, "application/json",
            ["dpo", "admin"]
        ),
    ]

    @Test("every role gets exactly the endpoints of the matrix; the rest are 403 forbidden and audited")
    func fullMatrix() throws {
        let fixture = try ServerFixture()
        let coordinator = try fixture.vault.tokenRegistry().create(
            name: "coordinator",
            role: .coordinator,
            scope: .allRegions,
            purposes: [],
            context: AccessContext(actor: "test", role: .admin)
        ).secret
        let secrets = ["coordinator": coordinator]
        for (method, target, body, contentType, allowed) in Self.routes {
            for role in ["admin", "dpo", "ingest", "analyst", "coordinator"] {
                let token = secrets[role] ?? role
                let reply = fixture.call(method, target, token: token, body: body, contentType: contentType)
                if allowed.contains(role) {
                    #expect(
                        ![401, 403].contains(reply.status),
                        "\(role) \(method) \(target): \(reply.status) \(reply.text)"
                    )
                } else {
                    #expect(
                        reply.status == 403 && reply.code == "forbidden",
                        "\(role) \(method) \(target): \(reply.status)"
                    )
                    let requestID = try #require(reply.header("X-Request-Id"))
                    let entries = try fixture.auditEntries(requestID: requestID)
                    #expect(entries.count == 1 && entries[0].outcome == .denied && entries[0].reason == "forbidden")
                }
            }
        }
    }

    @Test("the matrix covers every route the router has")
    func matrixCoversRouter() throws {
        let fixture = try ServerFixture()
        let tested = Set(Self.routes.map { "\($0.0) \(Self.template($0.1))" })
        let probes: Set<String> = [
            "GET /healthz", "GET /readyz", "POST /v1/unseal",
            "GET /console", "GET /console/{asset}", "GET /console/vendor/chart.js",
        ]
        let routed = Set(fixture.api.router.endpoints.map { "\($0.method) \($0.path)" })
        #expect(routed.subtracting(probes) == tested)
    }

    @Test("a DPO token for eu exporting a us subject is 403 region_not_permitted, audited with the region")
    func wrongRegionExport() throws {
        let fixture = try ServerFixture()
        fixture.ingest(
            "subjects",
            [ServerFixture.subject("us-1", country: "US"), ServerFixture.subject("eu-1", country: "DE")]
        )
        let us = try #require(fixture.subjectID("us-1"))
        let eu = try #require(fixture.subjectID("eu-1"))
        let refused = fixture.call("POST", "/v1/subjects/\(us)/export", token: "dpo-eu")
        #expect(refused.status == 403 && refused.code == "region_not_permitted")
        let entries = try fixture.auditEntries(requestID: try #require(refused.header("X-Request-Id")))
        #expect(entries.count == 1 && entries[0].regions == ["us"] && entries[0].outcome == .denied)
        #expect(entries[0].subjects == [fixture.vault.pseudonym(SubjectID(rawValue: us)!)])
        #expect(fixture.call("POST", "/v1/subjects/\(eu)/export", token: "dpo-eu").status == 200)
        #expect(fixture.call("DELETE", "/v1/subjects/\(us)", token: "dpo-eu").code == "region_not_permitted")
        // A lookup shows only matches in the token's regions.
        let lookup = fixture.call("GET", "/v1/subjects/lookup?externalId=us-1", token: "dpo-eu")
        #expect((lookup.json?["subjects"] as? [Any])?.isEmpty == true)
    }

    @Test("an ingest token for eu has lines of other regions refused one by one as region_not_permitted")
    func ingestOutsideRegion() throws {
        let fixture = try ServerFixture()
        let reply = fixture.ingest(
            "subjects",
            [ServerFixture.subject("a", country: "DE"), ServerFixture.subject("b", country: "BR")],
            token: "ingest-eu"
        )
        #expect(reply.status == 200)
        let rejections = try #require(reply.json?["rejections"] as? [[String: Any]])
        #expect(
            rejections.count == 1 && rejections[0]["line"] as? Int == 2
                && rejections[0]["reason"] as? String == "region_not_permitted"
        )
        fixture.ingest("subjects", [ServerFixture.subject("c", country: "BR")])
        let events = fixture.ingest("events", [ServerFixture.event("a"), ServerFixture.event("c")], token: "ingest-eu")
        let eventRejections = try #require(events.json?["rejections"] as? [[String: Any]])
        #expect(eventRejections.map { $0["reason"] as? String } == ["region_not_permitted"])
    }

    @Test("an admin scoped to eu cannot run a sweep over every region or mint an all-region token")
    func adminScope() throws {
        let fixture = try ServerFixture()
        #expect(fixture.call("POST", "/v1/retention/run", token: "admin-eu").code == "region_not_permitted")
        let mint = fixture.call(
            "POST",
            "/v1/tokens",
            token: "admin-eu",
            body: #"{"name":"x","role":"dpo","regions":["*"]}"#,
            contentType: "application/json"
        )
        #expect(mint.code == "region_not_permitted")
        let ok = fixture.call(
            "POST",
            "/v1/tokens",
            token: "admin-eu",
            body: #"{"name":"x","role":"dpo","regions":["eu"]}"#,
            contentType: "application/json"
        )
        #expect(ok.status == 201 && (ok.json?["token"] as? String)?.hasPrefix("cordon_") == true)
    }

    /// `/v1/subjects/0000...` → `/v1/subjects/{id}` (ids and query strings replaced).
    static func template(_ target: String) -> String {
        let path = target.split(separator: "?")[0]
        return "/"
            + path.split(separator: "/").map { part in
                if part.hasPrefix("saved-") { return "{name}" }
                return part.count == 32 || part.hasPrefix("dsr-") || part.hasPrefix("tok_") || part.hasPrefix("brc-")
                    || part == "gdpr"
                    ? "{id}" : String(part)
            }.joined(separator: "/")
    }
}
