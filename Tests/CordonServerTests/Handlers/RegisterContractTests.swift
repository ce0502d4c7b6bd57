import CordonCore
import CordonServer
import Foundation
import Testing

/// `openapi.json` against the registers' endpoints over real HTTP: every status documented,
/// every JSON body with its schema's required top-level properties.
@Suite("OpenAPI contract: the DPO's registers")
struct RegisterContractTests {
    @Test("breaches, ROPA and transfers answer only documented statuses and shapes")
    func registersWalk() async throws {
        let (fixture, host) = try EndToEndTests.serve()
        defer { host.stop(grace: 1) }
        let client = HTTPClient(port: host.port)
        let tokens = fixture.tokens
        func check(
            _ method: String,
            _ template: String,
            _ target: String,
            token: String = "dpo",
            body: String? = nil
        )
            async throws -> Reply
        {
            let reply = try await client.send(
                method,
                target,
                token: tokens[token],
                body: body,
                contentType: body == nil ? nil : "application/json"
            )
            try OpenAPIContractTests.conforms(reply, method: method, template: template)
            return reply
        }
        let detected = Timestamp.format(Date().addingTimeInterval(-86_400))
        let opened = try await check(
            "POST",
            "/v1/breaches",
            "/v1/breaches",
            body: #"{"title":"walk","detectedAt":"\#(detected)","regions":["eu","cn"],"subjectsEstimate":3}"#
        )
        let id = try #require(opened.json?["id"] as? String)
        _ = try await check(
            "POST",
            "/v1/breaches",
            "/v1/breaches",
            body: #"{"title":"","detectedAt":"x","regions":[]}"#
        )
        _ = try await check("GET", "/v1/breaches", "/v1/breaches?all=true")
        _ = try await check("GET", "/v1/breaches/{id}", "/v1/breaches/\(id)")
        _ = try await check("GET", "/v1/breaches/{id}", "/v1/breaches/brc-ffffffffffffffff")
        _ = try await check("GET", "/v1/breaches/{id}", "/v1/breaches/\(id)", token: "analyst")
        _ = try await check(
            "PATCH",
            "/v1/breaches/{id}",
            "/v1/breaches/\(id)",
            body: #"{"consequences":"phishing risk"}"#
        )
        let notice = "/v1/breaches/{id}/notifications"
        _ = try await check(
            "POST",
            notice,
            "/v1/breaches/\(id)/notifications",
            body: #"{"to":"authority","reference":"A-1"}"#
        )
        _ = try await check(
            "POST",
            notice,
            "/v1/breaches/\(id)/notifications",
            body: #"{"to":"authority","reference":"A-1"}"#
        )
        _ = try await check("GET", "/v1/breaches/{id}/scope", "/v1/breaches/\(id)/scope")
        _ = try await check("GET", "/v1/breaches/{id}/notice", "/v1/breaches/\(id)/notice?region=cn")
        _ = try await check("GET", "/v1/breaches/{id}/notice", "/v1/breaches/\(id)/notice?region=eu&format=md")
        _ = try await check("GET", "/v1/breaches/{id}/notice", "/v1/breaches/\(id)/notice?region=br")
        _ = try await check("POST", "/v1/breaches/{id}/close", "/v1/breaches/\(id)/close", body: #"{"note":"done"}"#)
        _ = try await check("POST", "/v1/breaches/{id}/close", "/v1/breaches/\(id)/close", body: #"{"note":"again"}"#)
        _ = try await check("GET", "/v1/ropa", "/v1/ropa")
        _ = try await check("GET", "/v1/ropa", "/v1/ropa?format=csv", token: "admin")
        _ = try await check("GET", "/v1/transfers", "/v1/transfers?year=2026")
        let unknown = #"{"subjectId":"00000000000000000000000000000000","to":"DE","mechanism":"scc"}"#
        _ = try await check("POST", "/v1/transfers", "/v1/transfers", body: unknown)
        let ready = try await check("GET", "/readyz", "/readyz", token: "none")
        #expect(ready.json?["overdueBreachNotifications"] as? Int == 0)
    }
}
