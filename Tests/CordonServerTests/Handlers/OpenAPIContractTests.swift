import CordonServer
import Foundation
import Testing

/// `openapi.json` against the server: the same endpoints both ways, and a scripted walk
/// whose every status is documented and whose JSON bodies have the documented top-level
/// shape.
@Suite("OpenAPI contract")
struct OpenAPIContractTests {
    /// The spec, parsed on each use (`[String: Any]` cannot be a shared static).
    static var spec: [String: Any] {
        let data = try! Data(contentsOf: ServerFixture.packageRoot.appendingPathComponent("openapi.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
    static var paths: [String: [String: Any]] { spec["paths"] as! [String: [String: Any]] }
    static var schemas: [String: [String: Any]] {
        (spec["components"] as! [String: Any])["schemas"] as! [String: [String: Any]]
    }

    @Test("every documented path and method is routed, and every route is documented")
    func sameEndpoints() throws {
        let fixture = try ServerFixture()
        let documented = Set(
            Self.paths.flatMap { path, item in
                item.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map {
                    "\($0.uppercased()) \(path)"
                }
            }
        )
        let routed = Set(fixture.api.router.endpoints.map { "\($0.method) \($0.path)" })
        #expect(
            documented == routed,
            "only documented: \(documented.subtracting(routed)); only routed: \(routed.subtracting(documented))"
        )
    }

    @Test("a scripted walk over HTTP gets only documented statuses and documented top-level shapes")
    func scriptedWalk() async throws {
        let (fixture, host) = try EndToEndTests.serve()
        defer { host.stop(grace: 1) }
        let client = HTTPClient(port: host.port)
        let tokens = fixture.tokens
        func check(
            _ method: String,
            _ template: String,
            _ target: String,
            token: String?,
            body: String? = nil,
            type: String? = nil
        )
            async throws -> Reply
        {
            let reply = try await client.send(
                method,
                target,
                token: token.flatMap { tokens[$0] },
                body: body,
                contentType: type
            )
            try Self.conforms(reply, method: method, template: template)
            return reply
        }
        let subject = ServerFixture.subject("k-1", country: "DE", email: "k1@example.com")
        _ = try await check("GET", "/healthz", "/healthz", token: nil)
        _ = try await check("GET", "/readyz", "/readyz", token: nil)
        _ = try await check(
            "POST",
            "/v1/unseal",
            "/v1/unseal",
            token: nil,
            body: #"{"passphrase":"x"}"#,
            type: "application/json"
        )
        _ = try await check(
            "POST",
            "/v1/subjects",
            "/v1/subjects",
            token: "ingest",
            body: subject,
            type: "application/x-ndjson"
        )
        _ = try await check("POST", "/v1/subjects", "/v1/subjects", token: "ingest", body: "{}", type: "text/plain")
        _ = try await check(
            "POST",
            "/v1/events",
            "/v1/events",
            token: "ingest",
            body: ServerFixture.event("k-1"),
            type: "application/x-ndjson"
        )
        _ = try await check("POST", "/v1/events", "/v1/events", token: nil, body: "", type: "application/x-ndjson")
        let lookup = try await check("GET", "/v1/subjects/lookup", "/v1/subjects/lookup?externalId=k-1", token: "dpo")
        let id = try #require((lookup.json?["subjects"] as? [[String: Any]])?.first?["subjectId"] as? String)
        _ = try await check("GET", "/v1/subjects/lookup", "/v1/subjects/lookup", token: "dpo")
        _ = try await check("GET", "/v1/subjects/{id}", "/v1/subjects/\(id)", token: "dpo")
        _ = try await check("GET", "/v1/subjects/{id}", "/v1/subjects/not-an-id", token: "dpo")
        _ = try await check("POST", "/v1/subjects/{id}/export", "/v1/subjects/\(id)/export", token: "dpo")
        _ = try await check(
            "PATCH",
            "/v1/subjects/{id}",
            "/v1/subjects/\(id)",
            token: "dpo",
            body: #"{"set":{"name":"K"}}"#,
            type: "application/json"
        )
        _ = try await check(
            "POST",
            "/v1/subjects/{id}/consents",
            "/v1/subjects/\(id)/consents",
            token: "dpo",
            body: #"{"purpose":"analytics","state":"granted","source":"test"}"#,
            type: "application/json"
        )
        let opened = try await check(
            "POST",
            "/v1/dsr",
            "/v1/dsr",
            token: "dpo",
            body: #"{"right":"access","region":"eu","subjectId":"\#(id)"}"#,
            type: "application/json"
        )
        let dsrID = try #require(opened.json?["id"] as? String)
        _ = try await check("GET", "/v1/dsr", "/v1/dsr?status=all", token: "dpo")
        _ = try await check(
            "POST",
            "/v1/dsr/{id}/extend",
            "/v1/dsr/\(dsrID)/extend",
            token: "dpo",
            body: #"{"reason":"complex request"}"#,
            type: "application/json"
        )
        _ = try await check(
            "POST",
            "/v1/dsr/{id}/complete",
            "/v1/dsr/\(dsrID)/complete",
            token: "dpo",
            body: #"{"outcome":"sent"}"#,
            type: "application/json"
        )
        _ = try await check(
            "POST",
            "/v1/dsr/{id}/complete",
            "/v1/dsr/\(dsrID)/complete",
            token: "dpo",
            body: "{}",
            type: "application/json"
        )
        _ = try await check(
            "POST",
            "/v1/dsr/{id}/complete",
            "/v1/dsr/dsr-ffffffffffffffff/complete",
            token: "dpo",
            body: "{}",
            type: "application/json"
        )
        _ = try await check("DELETE", "/v1/subjects/{id}", "/v1/subjects/\(id)", token: "dpo")
        _ = try await check("DELETE", "/v1/subjects/{id}", "/v1/subjects/\(id)", token: "dpo")
        _ = try await check("GET", "/v1/audit/entries", "/v1/audit/entries?limit=5", token: "dpo")
        _ = try await check("GET", "/v1/audit/entries", "/v1/audit/entries?since=yesterday", token: "dpo")
        _ = try await check("GET", "/v1/audit/checkpoint", "/v1/audit/checkpoint", token: "dpo")
        _ = try await check("GET", "/v1/audit/proof/inclusion", "/v1/audit/proof/inclusion?index=1", token: "dpo")
        _ = try await check("GET", "/v1/audit/proof/inclusion", "/v1/audit/proof/inclusion?index=999999", token: "dpo")
        _ = try await check(
            "GET",
            "/v1/audit/proof/consistency",
            "/v1/audit/proof/consistency?from=1&to=3",
            token: "admin"
        )
        _ = try await check("GET", "/v1/audit/pubkey", "/v1/audit/pubkey", token: "admin")
        _ = try await check("GET", "/v1/policies", "/v1/policies", token: "dpo")
        _ = try await check("GET", "/v1/policies/{id}", "/v1/policies/gdpr", token: "dpo")
        _ = try await check("GET", "/v1/policies/{id}", "/v1/policies/nope", token: "dpo")
        _ = try await check("GET", "/v1/regions", "/v1/regions", token: "admin")
        _ = try await check("GET", "/v1/regions", "/v1/regions", token: "ingest")
        _ = try await check("POST", "/v1/retention/run", "/v1/retention/run", token: "admin")
        _ = try await check("GET", "/v1/stores/verify", "/v1/stores/verify", token: "admin")
        let created = try await check(
            "POST",
            "/v1/tokens",
            "/v1/tokens",
            token: "admin",
            body: #"{"name":"walk","role":"analyst","regions":["eu"],"purposes":["analytics"]}"#,
            type: "application/json"
        )
        _ = try await check("GET", "/v1/tokens", "/v1/tokens", token: "admin")
        _ = try await check(
            "DELETE",
            "/v1/tokens/{id}",
            "/v1/tokens/\(created.json?["id"] as? String ?? "")",
            token: "admin"
        )
        let save = #"{"name":"walk-q","sql":"SELECT COUNT(*) FROM subjects","purpose":"analytics"}"#
        for _ in 0..<2 {  // 201, then 409 name_taken
            _ = try await check(
                "POST",
                "/v1/queries",
                "/v1/queries",
                token: "analyst",
                body: save,
                type: "application/json"
            )
        }
        _ = try await check("GET", "/v1/queries", "/v1/queries", token: "analyst")
        _ = try await check("POST", "/v1/queries/{name}/run", "/v1/queries/walk-q/run", token: "analyst")
        _ = try await check("POST", "/v1/queries/{name}/run", "/v1/queries/nope/run", token: "analyst")
        _ = try await check("GET", "/metrics", "/metrics", token: "admin")
    }

    /// Throws (records) when the status is undocumented or a JSON body lacks a required
    /// top-level property of the documented schema.
    static func conforms(_ reply: Reply, method: String, template: String) throws {
        let operation = try #require(
            paths[template]?[method.lowercased()] as? [String: Any],
            "\(method) \(template) undocumented"
        )
        let responses = try #require(operation["responses"] as? [String: [String: Any]])
        let documented = try #require(
            responses[String(reply.status)],
            "\(method) \(template): status \(reply.status) undocumented (\(reply.text.prefix(200)))"
        )
        guard let content = documented["content"] as? [String: [String: Any]] else { return }
        let mediaType = (reply.header("Content-Type") ?? "").split(separator: ";")[0].trimmingCharacters(
            in: .whitespaces
        )
        let entry = try #require(
            content[mediaType],
            "\(method) \(template) \(reply.status): content type \(mediaType) undocumented"
        )
        guard mediaType == "application/json", var schema = entry["schema"] as? [String: Any] else { return }
        if let ref = schema["$ref"] as? String { schema = schemas[String(ref.split(separator: "/").last!)]! }
        let body = try #require(reply.json, "\(method) \(template) \(reply.status): not a JSON object")
        for key in schema["required"] as? [String] ?? [] {
            #expect(body[key] != nil, "\(method) \(template) \(reply.status): missing '\(key)'")
        }
    }
}
