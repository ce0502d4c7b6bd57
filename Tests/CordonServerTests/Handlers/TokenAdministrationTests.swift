import CordonAudit
import CordonCore
import CordonServer
import Foundation
import Testing

/// Token administration over the API: an admin acts only on tokens within its regions
/// ("a token with fewer regions cannot act on one with more"), names are unique among
/// active tokens, and an analyst token carries the purposes it may query.
@Suite("Token administration")
struct TokenAdministrationTests {
    func create(_ fixture: ServerFixture, _ body: String, token: String = "admin") -> Reply {
        fixture.call("POST", "/v1/tokens", token: token, body: body, contentType: "application/json")
    }

    func names(_ reply: Reply) -> Set<String> {
        Set(((reply.json?["tokens"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
    }

    @Test("an admin for eu cannot revoke an all-region admin; the refusal is audited and the target still works")
    func scopedAdminCannotRevokeAWiderToken() throws {
        let fixture = try ServerFixture()
        let target = try #require(fixture.tokenIDs["admin"])
        let refused = fixture.call("DELETE", "/v1/tokens/\(target)", token: "admin-eu")
        #expect(refused.status == 403 && refused.code == "region_not_permitted", "\(refused.text)")
        #expect(refused.message.contains("fewer regions cannot act on one with more"))
        let entries = try fixture.auditEntries(requestID: try #require(refused.header("X-Request-Id")))
        #expect(entries.count == 1 && entries[0].outcome == .denied && entries[0].reason == "region_not_permitted")
        #expect(!entries.contains { $0.action == "token.revoke" })
        #expect(fixture.call("GET", "/v1/tokens", token: "admin").status == 200, "the all-region admin still works")
    }

    @Test("an admin for eu cannot revoke a token that also reaches br, but can revoke one inside eu")
    func scopedAdminRevokesOnlyWithinItsRegions() throws {
        let fixture = try ServerFixture()
        let wide = create(fixture, #"{"name":"dpo-eu-br","role":"dpo","regions":["eu","br"]}"#)
        let wideID = try #require(wide.json?["id"] as? String)
        #expect(fixture.call("DELETE", "/v1/tokens/\(wideID)", token: "admin-eu").code == "region_not_permitted")
        let inside = try #require(fixture.tokenIDs["dpo-eu"])
        let revoked = fixture.call("DELETE", "/v1/tokens/\(inside)", token: "admin-eu")
        #expect(revoked.status == 200 && revoked.json?["revokedAt"] is String, "\(revoked.text)")
        #expect(fixture.call("DELETE", "/v1/tokens/\(wideID)", token: "admin").status == 200)
    }

    @Test("an admin for eu lists only the tokens within eu")
    func scopedAdminListsOnlyWithinItsRegions() throws {
        let fixture = try ServerFixture()
        #expect(create(fixture, #"{"name":"dpo-eu-br","role":"dpo","regions":["eu","br"]}"#).status == 201)
        let scoped = fixture.call("GET", "/v1/tokens", token: "admin-eu")
        #expect(scoped.status == 200)
        #expect(names(scoped) == ["dpo-eu", "ingest-eu", "admin-eu", "analyst-eu"])
        let all = fixture.call("GET", "/v1/tokens", token: "admin")
        #expect(names(all).isSuperset(of: ["admin", "dpo", "dpo-eu-br", "admin-eu"]))
    }

    @Test("token names are unique among active tokens; a revoked token's name can be given again")
    func namesAreUnique() throws {
        let fixture = try ServerFixture()
        let taken = create(fixture, #"{"name":"dpo","role":"dpo","regions":["eu"]}"#)
        #expect(taken.status == 409 && taken.code == "name_taken", "\(taken.text)")
        let id = try #require(fixture.tokenIDs["dpo-eu"])
        #expect(fixture.call("DELETE", "/v1/tokens/\(id)", token: "admin").status == 200)
        #expect(create(fixture, #"{"name":"dpo-eu","role":"dpo","regions":["eu"]}"#).status == 201)
    }

    @Test("an analyst token carries the purposes it may query; a query for another purpose is 403")
    func analystTokensCarryTheirPurposes() throws {
        let fixture = try ServerFixture()
        let issued = create(
            fixture,
            #"{"name":"mail-analyst","role":"analyst","regions":["eu"],"purposes":["marketing_email"]}"#
        )
        #expect(issued.status == 201, "\(issued.text)")
        #expect(issued.json?["purposes"] as? [String] == ["marketing_email"])
        let secret = try #require(issued.json?["token"] as? String)
        let listed = (fixture.call("GET", "/v1/tokens", token: "admin").json?["tokens"] as? [[String: Any]])?
            .first { $0["name"] as? String == "mail-analyst" }
        #expect(listed?["purposes"] as? [String] == ["marketing_email"])
        let body = #"{"sql":"SELECT channel, COUNT(*) FROM events GROUP BY channel","purpose":"analytics"}"#
        let refused = fixture.call("POST", "/v1/query", token: secret, body: body, contentType: "application/json")
        #expect(refused.status == 403 && refused.code == "purpose_not_permitted", "\(refused.text)")
        #expect(
            refused.message.contains("this token may query only for: marketing_email")
        )
        let entries = try fixture.auditEntries(requestID: try #require(refused.header("X-Request-Id")))
        #expect(entries.contains { $0.action == "query.run" && $0.outcome == .denied && $0.purpose == "analytics" })
        let allowed = fixture.call(
            "POST",
            "/v1/query",
            token: secret,
            body: body.replacingOccurrences(of: "analytics", with: "marketing_email"),
            contentType: "application/json"
        )
        #expect(allowed.status == 200, "\(allowed.text)")
    }

    @Test(
        "purposes are required on analyst tokens, must be queryable, and belong to no other role",
        arguments: [
            (#"{"name":"a","role":"analyst","regions":["eu"]}"#, "needs the purposes it may query"),
            (#"{"name":"a","role":"analyst","regions":["eu"],"purposes":[]}"#, "needs the purposes it may query"),
            (
                #"{"name":"a","role":"analyst","regions":["eu"],"purposes":["order_fulfillment"]}"#,
                "purpose 'order_fulfillment' may not be queried"
            ),
            (#"{"name":"a","role":"analyst","regions":["eu"],"purposes":["profiling"]}"#, "not a declared purpose"),
            (#"{"name":"a","role":"dpo","regions":["eu"],"purposes":["analytics"]}"#, "analyst tokens only"),
        ]
    )
    func invalidPurposesAreRefused(body: String, message: String) throws {
        let fixture = try ServerFixture()
        let reply = create(fixture, body)
        #expect(reply.status == 400 && reply.code == "invalid_input", "\(reply.text)")
        #expect(reply.message.contains(message), "\(reply.text)")
    }

    @Test("audit entries carry the acting token's name beside its id, in the API and on disk")
    func auditEntriesNameTheToken() throws {
        let fixture = try ServerFixture()
        let created = create(fixture, #"{"name":"dpo-2","role":"dpo","regions":["eu"]}"#, token: "admin-eu")
        let read = fixture.call("GET", "/v1/audit/entries?limit=5", token: "dpo-eu")
        let refused = fixture.call("GET", "/v1/tokens", token: "dpo-eu")
        for (reply, label, action) in [
            (created, "admin-eu", "token.create"), (read, "dpo-eu", "http.request"),
            (refused, "dpo-eu", "http.request"),
        ] {
            let entries = try fixture.auditEntries(requestID: try #require(reply.header("X-Request-Id")))
            let entry = try #require(entries.first { $0.action == action }, "\(label) \(action)")
            #expect(entry.actor == fixture.tokenIDs[label] && entry.actorName == label)
        }
        let listed = fixture.call("GET", "/v1/audit/entries?limit=1000", token: "dpo")
        let names = ((listed.json?["entries"] as? [[String: Any]]) ?? []).compactMap { $0["actorName"] as? String }
        #expect(Set(names).isSuperset(of: ["admin-eu", "dpo-eu"]))
    }
}
