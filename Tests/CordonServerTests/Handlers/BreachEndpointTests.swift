import CordonAudit
import Foundation
import Testing

@testable import CordonCore
@testable import CordonServer

/// The DPO's registers over HTTP: breaches with their clocks, the ROPA and the transfer gate.
@Suite("Register endpoints")
struct BreachEndpointTests {
    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    func post(_ fixture: ServerFixture, _ path: String, _ body: [String: Any], token: String = "dpo") -> Reply {
        fixture.call("POST", path, token: token, body: Self.json(body), contentType: "application/json")
    }

    @Test("a breach detected four days ago is overdue in the list, /metrics and /readyz until notified")
    func missedDeadline() throws {
        let fixture = try ServerFixture()
        let detected = Timestamp.format(Date().addingTimeInterval(-4 * 86_400))
        let opened = post(
            fixture,
            "/v1/breaches",
            [
                "title": "Misdirected export", "detectedAt": detected, "regions": ["eu"],
                "categories": ["user.contact.email"],
            ]
        )
        #expect(opened.status == 201, "\(opened.text)")
        let id = try #require(opened.json?["id"] as? String)
        #expect(opened.json?["overdue"] as? Bool == true)
        let list = fixture.call("GET", "/v1/breaches", token: "dpo")
        let breaches = try #require(list.json?["breaches"] as? [[String: Any]])
        #expect(breaches.map { $0["id"] as? String } == [id])
        let deadlines = try #require(breaches[0]["deadlines"] as? [[String: Any]])
        #expect(deadlines.first { $0["recipient"] as? String == "authority" }?["state"] as? String == "overdue")
        #expect(
            fixture.call("GET", "/metrics", token: "admin").text.contains(
                #"cordon_breach_notifications_overdue{region="eu",recipient="authority"} 1"#
            )
        )
        #expect(fixture.call("GET", "/readyz").json?["overdueBreachNotifications"] as? Int == 1)

        let notified = post(fixture, "/v1/breaches/\(id)/notifications", ["to": "authority", "reference": "DPC-9"])
        #expect(notified.status == 201, "\(notified.text)")
        #expect(
            fixture.call("GET", "/metrics", token: "admin").text.contains(
                #"cordon_breach_notifications_overdue{region="eu",recipient="authority"} 0"#
            )
        )
        #expect(fixture.call("GET", "/readyz").json?["overdueBreachNotifications"] as? Int == 0)
        #expect(
            post(fixture, "/v1/breaches/\(id)/notifications", ["to": "authority", "reference": "DPC-9"]).code
                == "already_notified"
        )
    }

    @Test("update, notice, scope and close; each audited under the request id")
    func lifecycle() throws {
        let fixture = try ServerFixture()
        let opened = post(
            fixture,
            "/v1/breaches",
            ["title": "Stolen backup tape", "detectedAt": Timestamp.format(Date()), "regions": ["eu", "br"]],
            token: "admin"
        )
        let id = try #require(opened.json?["id"] as? String)
        let patched = fixture.call(
            "PATCH",
            "/v1/breaches/\(id)",
            token: "dpo",
            body: Self.json(["measures": "Keys rotated", "contact": "dpo@shop.example"]),
            contentType: "application/json"
        )
        #expect(patched.status == 200 && patched.json?["measures"] as? String == "Keys rotated")
        let notice = fixture.call("GET", "/v1/breaches/\(id)/notice?region=eu&to=authority", token: "dpo")
        #expect(notice.status == 200)
        #expect((notice.json?["missing"] as? [String])?.contains("Likely consequences") == true)
        let markdown = fixture.call("GET", "/v1/breaches/\(id)/notice?region=br&format=md", token: "dpo")
        #expect(
            markdown.header("Content-Type")?.hasPrefix("text/markdown") == true
                && markdown.text.contains("LGPD Art. 48")
        )
        let scope = fixture.call("GET", "/v1/breaches/\(id)/scope", token: "dpo")
        #expect(scope.status == 200 && (scope.json?["regions"] as? [Any])?.count == 2)
        let closed = post(fixture, "/v1/breaches/\(id)/close", ["note": "contained"])
        #expect(closed.json?["status"] as? String == "closed")
        let entries = try fixture.auditEntries(requestID: try #require(closed.header("X-Request-Id")))
        #expect(entries.map(\.action) == ["breach.close"])
        #expect(fixture.call("GET", "/v1/breaches/brc-0000000000000000", token: "dpo").code == "unknown_breach")
    }

    @Test("a breach in br is invisible and refused to a DPO token for eu")
    func regionConfinement() throws {
        let fixture = try ServerFixture()
        let opened = post(
            fixture,
            "/v1/breaches",
            ["title": "t", "detectedAt": Timestamp.format(Date()), "regions": ["br"]]
        )
        let id = try #require(opened.json?["id"] as? String)
        #expect((fixture.call("GET", "/v1/breaches", token: "dpo-eu").json?["breaches"] as? [Any])?.isEmpty == true)
        #expect(fixture.call("GET", "/v1/breaches/\(id)", token: "dpo-eu").code == "region_not_permitted")
        #expect(
            post(
                fixture,
                "/v1/breaches",
                ["title": "t", "detectedAt": Timestamp.format(Date()), "regions": ["br"]],
                token: "dpo-eu"
            )
            .code == "region_not_permitted"
        )
    }

    @Test("bad input is a 400 naming the field")
    func badInput() throws {
        let fixture = try ServerFixture()
        let reply = post(
            fixture,
            "/v1/breaches",
            ["title": "", "detectedAt": Timestamp.format(Date()), "regions": ["eu"]]
        )
        #expect(reply.status == 400 && reply.code == "invalid_input")
        #expect((reply.json?["message"] as? String)?.hasPrefix("title:") == true)
        #expect(
            post(fixture, "/v1/breaches", ["title": "t", "detectedAt": "yesterday", "regions": ["eu"]]).status == 400
        )
    }

    @Test("the ROPA in three formats, and the PIPL transfer gate")
    func ropaAndTransfers() throws {
        let fixture = try ServerFixture()
        let ropa = fixture.call("GET", "/v1/ropa", token: "dpo")
        #expect(ropa.status == 200 && (ropa.json?["entries"] as? [Any])?.isEmpty == false)
        #expect(fixture.call("GET", "/v1/ropa?format=csv", token: "admin").text.hasPrefix("section,purpose,region"))
        fixture.ingest("subjects", [ServerFixture.subject("c", country: "CN")])
        let id = try #require(fixture.subjectID("c"))
        let refused = post(
            fixture,
            "/v1/transfers",
            ["subjectId": id, "to": "DE", "mechanism": "cac-standard-contract"]
        )
        #expect(refused.status == 409 && refused.code == "separate_consent_required")
        let typed = post(
            fixture,
            "/v1/transfers",
            ["subjectId": id, "to": "DE", "mechanism": "cac-standard-contract", "separateConsent": "form-1"]
        )
        #expect(typed.status == 400 && (typed.json?["message"] as? String)?.contains("cross_border_transfer") == true)
        let consent = post(
            fixture,
            "/v1/subjects/\(id)/consents",
            ["purpose": "cross_border_transfer", "state": "granted", "source": "form-1"]
        )
        #expect(consent.status == 200 || consent.status == 201, "\(consent.text)")
        let granted = post(
            fixture,
            "/v1/transfers",
            ["subjectId": id, "to": "DE", "mechanism": "cac-standard-contract"]
        )
        #expect(granted.status == 201 && granted.json?["peopleThisYear"] as? Int == 1)
        #expect((fixture.call("GET", "/v1/transfers", token: "dpo").json?["transfers"] as? [Any])?.count == 1)
        #expect((fixture.call("GET", "/v1/transfers", token: "dpo-eu").json?["transfers"] as? [Any])?.isEmpty == true)
        #expect(post(fixture, "/v1/transfers", ["subjectId": id, "to": "DE", "mechanism": "x"]).status == 400)
    }
}
