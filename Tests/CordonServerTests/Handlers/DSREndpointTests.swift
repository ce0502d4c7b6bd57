import CordonAudit
import CordonStore
import Foundation
import Testing

@testable import CordonCore
@testable import CordonServer

/// Over HTTP: a 503 means nothing changed, HEAD and GET never change state, and a request
/// that does not fit an erasure is refused before anything is erased.
@Suite("DSR endpoints: no effect without its audit entry, none from a safe method")
struct DSREndpointTests {
    /// Every request in the register, read directly (no audit entry, so it works with a
    /// dead audit sink).
    static func register(_ fixture: ServerFixture) throws -> [DSRRequest] {
        let vault = fixture.vault
        return try vault.control.read("test") { db in try vault.dsr.list(filter: .all, now: Date(), in: db) }
    }

    /// Every store's anchor: what any durable write advances.
    static func anchors(_ fixture: ServerFixture) throws -> [String: StoreAnchor] {
        var anchors = ["control": try fixture.vault.control.anchor()]
        for region in fixture.vault.regionIDs {
            anchors[region.rawValue] = try fixture.vault.store(region).anchor()
        }
        return anchors
    }

    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test("with a dead audit sink, POST /v1/dsr is 503 and registers nothing")
    func openingWithADeadSinkRegistersNothing() throws {
        let fixture = try ServerFixture()
        fixture.ingest("subjects", [ServerFixture.subject("a", country: "DE")])
        let id = try #require(fixture.subjectID("a"))
        let anchors = try Self.anchors(fixture)
        fixture.vault.audit.abandon()
        let reply = fixture.call(
            "POST",
            "/v1/dsr",
            token: "dpo",
            body: Self.json(["right": "erasure", "subjectId": id]),
            contentType: "application/json"
        )
        #expect(reply.status == 503 && reply.code == "audit_unavailable")
        #expect(try Self.register(fixture).isEmpty)
        #expect(try Self.anchors(fixture) == anchors)
    }

    @Test("with a dead audit sink, an export answering a request is 503 and leaves the request open")
    func exportingWithADeadSinkLeavesTheRequestOpen() throws {
        let fixture = try ServerFixture()
        fixture.ingest("subjects", [ServerFixture.subject("a", country: "DE", email: "a@example.de")])
        let id = try #require(fixture.subjectID("a"))
        let opened = fixture.call(
            "POST",
            "/v1/dsr",
            token: "dpo",
            body: Self.json(["right": "access", "subjectId": id]),
            contentType: "application/json"
        )
        let request = try #require(opened.json?["id"] as? String)
        fixture.vault.audit.abandon()
        let export = fixture.call(
            "POST",
            "/v1/subjects/\(id)/export",
            token: "dpo",
            body: Self.json(["dsrRequest": request]),
            contentType: "application/json"
        )
        #expect(export.status == 503 && export.json?["pii"] == nil)
        #expect(try Self.register(fixture).map(\.status) == [.open])
    }

    @Test("GET and HEAD on the export are 405 pointing to POST, and complete nothing")
    func safeMethodsOnTheExportAreRefused() throws {
        let fixture = try ServerFixture()
        fixture.ingest("subjects", [ServerFixture.subject("a", country: "DE")])
        let id = try #require(fixture.subjectID("a"))
        let request = try #require(
            fixture.call(
                "POST",
                "/v1/dsr",
                token: "dpo",
                body: Self.json(["right": "access", "subjectId": id]),
                contentType: "application/json"
            ).json?["id"] as? String
        )
        for method in ["HEAD", "GET"] {
            let reply = fixture.call(method, "/v1/subjects/\(id)/export?dsrRequest=\(request)", token: "dpo")
            #expect(reply.status == 405)
            #expect(reply.header("Allow") == "POST")
        }
        #expect(try Self.register(fixture).map(\.status) == [.open])
        let conflicting = fixture.call(
            "POST",
            "/v1/subjects/\(id)/export?dsrRequest=\(request)",
            token: "dpo",
            body: Self.json(["dsrRequest": "dsr-0000000000000000"]),
            contentType: "application/json"
        )
        #expect(conflicting.status == 400)
        // The query argument names the request as the body does (never ignored).
        let answered = fixture.call("POST", "/v1/subjects/\(id)/export?dsrRequest=\(request)", token: "dpo")
        #expect(answered.status == 200)
        #expect(try Self.register(fixture).map(\.status) == [.completed])
    }

    @Test("no GET or HEAD route changes a store or the register")
    func safeMethodsChangeNoStore() throws {
        let fixture = try ServerFixture()
        fixture.ingest("subjects", [ServerFixture.subject("a", country: "DE")])
        fixture.ingest("events", [ServerFixture.event("a")])
        let id = try #require(fixture.subjectID("a"))
        let request = try #require(
            fixture.call(
                "POST",
                "/v1/dsr",
                token: "dpo",
                body: Self.json(["right": "access", "subjectId": id]),
                contentType: "application/json"
            ).json?["id"] as? String
        )
        let anchors = try Self.anchors(fixture)
        let register = try Self.register(fixture)
        let routes = fixture.api.router.endpoints.filter { $0.method == "GET" }
        #expect(routes.count > 10)
        for route in routes {
            let path =
                route.path
                .replacingOccurrences(of: "{id}", with: route.path.hasPrefix("/v1/policies") ? "gdpr" : id)
            for method in ["GET", "HEAD"] {
                for token in ["dpo", "admin", "analyst"] {
                    fixture.call(method, path + "?dsrRequest=\(request)&externalId=a&status=all", token: token)
                }
            }
        }
        #expect(try Self.anchors(fixture) == anchors)
        #expect(try Self.register(fixture) == register)
    }

    @Test("DELETE with a request that does not fit is 409 and erases nothing; erasing again returns the receipt")
    func erasureChecksItsRequestFirst() throws {
        let fixture = try ServerFixture()
        fixture.ingest("subjects", [ServerFixture.subject("a", country: "DE")])
        let id = try #require(fixture.subjectID("a"))
        let access = try #require(
            fixture.call(
                "POST",
                "/v1/dsr",
                token: "dpo",
                body: Self.json(["right": "access", "subjectId": id]),
                contentType: "application/json"
            ).json?["id"] as? String
        )
        let wrong = fixture.call("DELETE", "/v1/subjects/\(id)?dsrRequest=\(access)", token: "dpo")
        #expect(wrong.status == 409 && wrong.code == "request_mismatch")
        #expect(fixture.subjectID("a") == id, "nothing was erased")
        let unknown = fixture.call("DELETE", "/v1/subjects/\(id)?dsrRequest=dsr-0000000000000000", token: "dpo")
        #expect(unknown.status == 404 && unknown.code == "unknown_request")
        #expect(fixture.subjectID("a") == id)

        let erased = fixture.call("DELETE", "/v1/subjects/\(id)", token: "dpo")
        #expect(erased.status == 200)
        let again = fixture.call("DELETE", "/v1/subjects/\(id)", token: "dpo")
        #expect(again.status == 200 && again.body == erased.body, "the original receipt")
        #expect(fixture.call("DELETE", "/v1/subjects/\(id)", token: "dpo-eu").status == 200)
        #expect(fixture.call("POST", "/v1/subjects/\(id)/export", token: "dpo").status == 404)
    }

    @Test("an export's body is marked as personal data for the host to zero; after erasure no path finds the subject")
    func exportsAreMarkedAndErasedSubjectsAreGone() throws {
        let fixture = try ServerFixture()
        fixture.ingest("subjects", [ServerFixture.subject("a", country: "DE", email: "gone@example.de")])
        let id = try #require(fixture.subjectID("a"))
        let export = fixture.api.respond(
            to: HTTPRequest(
                method: "POST",
                target: "/v1/subjects/\(id)/export",
                headers: ["Authorization": "Bearer \(fixture.tokens["dpo"]!)"],
                body: [],
                clientIsLoopback: true
            )
        )
        #expect(export.status == 200 && export.holdsPersonalData)
        #expect(fixture.call("DELETE", "/v1/subjects/\(id)", token: "dpo").status == 200)
        let byEmail = fixture.call("GET", "/v1/subjects/lookup?email=gone@example.de", token: "dpo")
        #expect((byEmail.json?["subjects"] as? [Any])?.isEmpty == true)
        #expect(fixture.call("GET", "/v1/subjects/\(id)", token: "dpo").status == 404)
        #expect(fixture.call("POST", "/v1/subjects/\(id)/export", token: "dpo").status == 404)
    }

    @Test("POST /v1/dsr takes the region from the subject and refuses another")
    func theSubjectsRegionGoverns() throws {
        let fixture = try ServerFixture()
        fixture.ingest("subjects", [ServerFixture.subject("a", country: "DE")])
        let id = try #require(fixture.subjectID("a"))
        let typedUS = fixture.call(
            "POST",
            "/v1/dsr",
            token: "dpo",
            body: Self.json(["right": "access", "region": "us", "subjectId": id]),
            contentType: "application/json"
        )
        #expect(typedUS.status == 409 && typedUS.code == "region_mismatch")
        let derived = fixture.call(
            "POST",
            "/v1/dsr",
            token: "dpo",
            body: Self.json(["right": "access", "subjectId": id]),
            contentType: "application/json"
        )
        #expect(derived.status == 201)
        #expect(derived.json?["region"] as? String == "eu" && derived.json?["policyID"] as? String == "gdpr")
        #expect(try Self.register(fixture).count == 1)
    }
}
