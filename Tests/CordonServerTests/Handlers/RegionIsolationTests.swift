import CordonCore
import Foundation
import Testing

@testable import CordonServer

/// Over HTTP, in-process: a damaged eu.db fails eu's requests with its code and 503, never
/// an opaque 500, and uk, us and the store check keep working.
@Suite("HTTP: one damaged region never fails the others")
struct RegionIsolationHTTPTests {
    /// A server restarted over eu.db damaged as in `damage`, with what was stored before.
    final class Damaged {
        let fixture: ServerFixture
        let api: CordonAPI
        let euID: String
        let ukID: String

        init(_ damage: (inout Data) -> Void) throws {
            fixture = try ServerFixture()
            fixture.ingest(
                "subjects",
                [
                    ServerFixture.subject("eu-1", country: "DE", email: "same@example.com"),
                    ServerFixture.subject("uk-1", country: "GB", email: "same@example.com"),
                    ServerFixture.subject("us-1", country: "US"),
                ]
            )
            fixture.ingest("events", [ServerFixture.event("eu-1"), ServerFixture.event("uk-1")])
            euID = try #require(fixture.subjectID("eu-1"))
            ukID = try #require(fixture.subjectID("uk-1"))
            try fixture.api.slot.close()
            let path = fixture.directory.appendingPathComponent("regions/eu.db")
            var bytes = try Data(contentsOf: path)
            damage(&bytes)
            try bytes.write(to: path)
            let vault = try Vault.open(
                dataDirectory: fixture.directory,
                configuration: ServerFixture.policies,
                source: .keyFile(fixture.directory.appendingPathComponent("master.key"))
            )
            api = CordonAPI(
                configuration: fixture.api.configuration,
                session: try VaultSession(vault: vault, configDirectory: ServerFixture.packageRoot)
            )
        }

        deinit { try? api.slot.close() }

        @discardableResult
        func call(
            _ method: String,
            _ target: String,
            token: String,
            body: String? = nil,
            contentType: String? = nil
        )
            -> Reply
        {
            var headers = ["Authorization": "Bearer \(fixture.tokens[token]!)"]
            if let contentType { headers["Content-Type"] = contentType }
            let response = api.respond(
                to: HTTPRequest(method: method, target: target, headers: headers, body: Array((body ?? "").utf8))
            )
            return Reply(status: response.status, headers: response.headers, body: response.body)
        }

        func ingest(_ kind: String, _ lines: [String]) -> Reply {
            call(
                "POST",
                "/v1/\(kind)",
                token: "ingest",
                body: lines.joined(separator: "\n"),
                contentType: "application/x-ndjson"
            )
        }

        func query(_ sql: String) -> Reply {
            call(
                "POST",
                "/v1/query",
                token: "analyst",
                body: #"{"sql":"\#(sql)","purpose":"analytics"}"#,
                contentType: "application/json"
            )
        }
    }

    /// Damage to eu.db: pages 2-5 (subjects and their indexes, found when read) or page 1
    /// past the plaintext header (found when the store opens).
    static let damages: [(String, @Sendable (inout Data) -> Void)] = [
        ("flipped pages", { bytes in for page in 1...4 { bytes[4096 * page + 300] ^= 0x40 } }),
        ("damaged header", { bytes in bytes[200] ^= 0x40 }),
    ]

    @Test(arguments: 0..<2)
    func aDamagedRegionFailsOnlyItsOwnRequests(_ damage: Int) throws {
        let server = try Damaged(Self.damages[damage].1)
        var replies: [Reply] = []
        func expect(_ reply: Reply, _ status: Int, _ code: String? = nil, _ comment: String) {
            replies.append(reply)
            #expect(reply.status == status, "\(comment): \(reply.text)")
            if let code { #expect(reply.code == code, "\(comment): \(reply.text)") }
        }

        // uk's subjects are served.
        expect(server.call("POST", "/v1/subjects/\(server.ukID)/export", token: "dpo"), 200, nil, "uk export")
        let uk = server.call("GET", "/v1/subjects/lookup?externalId=uk-1", token: "dpo")
        expect(uk, 200, nil, "uk lookup")
        #expect((uk.json?["subjects"] as? [[String: Any]])?.first?["region"] as? String == "uk")
        expect(
            server.call("GET", "/v1/subjects/\(server.ukID)", token: "dpo-eu"),
            403,
            "region_not_permitted",
            "eu DPO"
        )

        // eu's, and "not found" while eu cannot answer, are 503 with eu's code and name.
        let eu = server.call("POST", "/v1/subjects/\(server.euID)/export", token: "dpo")
        expect(eu, 503, "store_corrupt", "eu export")
        #expect((eu.json?["message"] as? String)?.contains("region eu") == true, "\(eu.text)")
        expect(
            server.call("GET", "/v1/subjects/lookup?externalId=nobody", token: "dpo"),
            503,
            "store_corrupt",
            "nobody"
        )
        let email = server.call("GET", "/v1/subjects/lookup?email=same@example.com", token: "dpo")
        expect(email, 200, nil, "email lookup")
        #expect(email.json?["unavailableRegions"] as? [String: String] == ["eu": "store_corrupt"], "\(email.text)")

        // Ingest: uk's lines are stored, eu's refused line by line; a batch of eu lines only is 503.
        let mixed = server.ingest("events", [ServerFixture.event("uk-1"), ServerFixture.event("eu-1")])
        expect(mixed, 200, nil, "mixed events")
        let summary = mixed.json?["summary"] as? [String: Any]
        #expect(summary?["acceptedByRegion"] as? [String: Int] == ["uk": 1])
        #expect(summary?["unavailableRegions"] as? [String: String] == ["eu": "store_corrupt"])
        let refused = (mixed.json?["rejections"] as? [[String: Any]])?.first
        #expect(refused?["reason"] as? String == "region_unavailable")
        #expect((refused?["message"] as? String)?.contains("/") == false, "no server path in a rejection")
        expect(server.ingest("events", [ServerFixture.event("eu-1")]), 503, "store_corrupt", "eu-only events")
        let update = server.ingest("subjects", [ServerFixture.subject("uk-1", country: "GB")])
        expect(update, 200, nil, "uk update")
        #expect((update.json?["summary"] as? [String: Any])?["updated"] as? Int == 1)
        #expect(
            (update.json?["summary"] as? [String: Any])?["unavailableRegions"] == nil,
            "an update needs no other region"
        )

        // Queries: other regions answer; one reading eu is refused with its code, spending nothing.
        expect(
            server.query(
                "SELECT channel, COUNT(DISTINCT subject) FROM events WHERE region IN ('uk', 'us') GROUP BY channel"
            ),
            200,
            nil,
            "uk/us query"
        )
        let budget = server.call("GET", "/v1/budget", token: "analyst").text
        expect(
            server.query("SELECT device, COUNT(DISTINCT subject) FROM events GROUP BY device"),
            503,
            "store_corrupt",
            "all"
        )
        #expect(server.call("GET", "/v1/budget", token: "analyst").text == budget)

        // Store checks and retention report eu on its own.
        let verify = server.call("GET", "/v1/stores/verify", token: "admin")
        expect(verify, 200, nil, "verify")
        let stores = verify.json?["stores"] as? [[String: Any]] ?? []
        #expect(stores.first { $0["region"] as? String == "eu" }?["code"] as? String == "store_corrupt")
        #expect(stores.filter { $0["region"] as? String != "eu" }.allSatisfy { $0["intact"] as? Bool == true })
        let retention = server.call("POST", "/v1/retention/run", token: "admin")
        expect(retention, 200, nil, "retention")
        #expect(retention.json?["unavailableRegions"] as? [String: String] == ["eu": "store_corrupt"])

        let metrics = server.call("GET", "/metrics", token: "admin").text
        #expect(metrics.contains("cordon_region_available{region=\"eu\"} 0"), "\(metrics)")
        #expect(metrics.contains("cordon_region_available{region=\"uk\"} 1"))
        #expect(replies.allSatisfy { $0.status != 500 })
    }

    @Test func storageCodesMapToStatusesThatNameTheRegion() {
        let full = HTTPResponse.error(
            VaultError(.storageFull, "the volume of region store eu is full (/data/regions)", regions: ["eu"]),
            requestID: "req-1"
        )
        #expect(full.status == 507)
        let body = String(decoding: full.body, as: UTF8.self)
        #expect(body.contains(#""code":"storage_full""#))
        #expect(body.contains("region eu") && !body.contains("/data"), "\(body)")
        for code in [VaultError.Code.storeCorrupt, .storeRolledBack, .storeMissing, .storageUnavailable] {
            #expect(HTTPResponse.error(VaultError(code, "x", regions: ["br"]), requestID: "r").status == 503)
        }
        #expect(HTTPResponse.error(VaultError(.idempotencyKeyReused, "reused"), requestID: "r").status == 422)
    }
}
