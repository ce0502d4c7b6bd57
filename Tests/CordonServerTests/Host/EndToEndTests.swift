import CordonAudit
import CordonCore
import CordonServer
import Foundation
import Testing

/// The API over real HTTP on an ephemeral loopback port (libmicrohttpd host).
@Suite("End to end over HTTP")
struct EndToEndTests {
    /// A fixture served by libmicrohttpd on port 0.
    static func serve(
        _ configure: (inout ServerConfiguration) -> Void = { _ in }
    ) throws -> (ServerFixture, MicroHTTPDHost) {
        let fixture = try ServerFixture { configuration in
            configuration.bind = .loopback(port: 0)
            configure(&configuration)
        }
        return (fixture, try MicroHTTPDHost(api: fixture.api))
    }

    @Test(
        "ingest, export, erase: the person is gone from the next lookup and the audit trail verifies and shows every step"
    )
    func dataSubjectLifecycle() async throws {
        let (fixture, host) = try Self.serve()
        defer { host.stop(grace: 1) }
        let client = HTTPClient(port: host.port)
        let ingest = try await client.send(
            "POST",
            "/v1/subjects",
            token: fixture.tokens["ingest"],
            body: [ServerFixture.subject("c-1", country: "DE", email: "anna@example.com"), "{broken"].joined(
                separator: "\n"
            ),
            contentType: "application/x-ndjson"
        )
        #expect(ingest.status == 200)
        let summary = try #require(ingest.json?["summary"] as? [String: Any])
        #expect(summary["accepted"] as? Int == 1 && summary["rejected"] as? Int == 1)
        let events = try await client.send(
            "POST",
            "/v1/events",
            token: fixture.tokens["ingest"],
            body: ServerFixture.event("c-1"),
            contentType: "application/x-ndjson"
        )
        #expect((events.json?["summary"] as? [String: Any])?["accepted"] as? Int == 1)

        let lookup = try await client.send(
            "GET",
            "/v1/subjects/lookup?email=anna%40example.com",
            token: fixture.tokens["dpo"]
        )
        let id = try #require((lookup.json?["subjects"] as? [[String: Any]])?.first?["subjectId"] as? String)
        let export = try await client.send("POST", "/v1/subjects/\(id)/export", token: fixture.tokens["dpo"])
        #expect(export.status == 200 && (export.json?["pii"] as? [String: String])?["email"] == "anna@example.com")
        #expect((export.json?["events"] as? [Any])?.count == 1)
        let erase = try await client.send("DELETE", "/v1/subjects/\(id)", token: fixture.tokens["dpo"])
        #expect(
            erase.status == 200
                && (erase.json?["receipt"] as? [String: Any])?["dataEncryptionKey"] as? String == "destroyed"
        )
        let receipt = try JSONDecoder().decode(ErasureReceipt.self, from: Data(erase.body))
        #expect(receipt.verify(publicKey: fixture.vault.auditPublicKey))
        let after = try await client.send(
            "GET",
            "/v1/subjects/lookup?email=anna%40example.com",
            token: fixture.tokens["dpo"]
        )
        #expect((after.json?["subjects"] as? [Any])?.isEmpty == true)
        #expect(try await client.send("GET", "/v1/subjects/\(id)", token: fixture.tokens["dpo"]).status == 404)

        let pseudonym = fixture.vault.pseudonym(SubjectID(rawValue: id)!)
        let trail = try await client.send("GET", "/v1/audit/entries?subject=\(id)", token: fixture.tokens["dpo"])
        let actions = (trail.json?["entries"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
        for step in ["ingest.subjects", "ingest.events", "subject.lookup", "subject.export", "subject.erase"] {
            #expect(actions.contains(step), "\(step) missing from \(actions)")
        }
        // One entry per step, plus the trail read itself.
        #expect(try fixture.vault.searchAudit(AuditQuery(subject: pseudonym)).count == actions.count + 1)

        let checkpoint = try await client.send("GET", "/v1/audit/checkpoint", token: fixture.tokens["dpo"])
        #expect(checkpoint.header("Content-Type")?.hasPrefix("text/plain") == true)
        let pubkey = try await client.send("GET", "/v1/audit/pubkey", token: fixture.tokens["dpo"])
        host.stop(grace: 1)
        try fixture.api.slot.close()
        let report = AuditVerifier.verify(
            directory: fixture.directory.appendingPathComponent("audit"),
            publicKey: try NoteVerifierKey(parsing: pubkey.text.trimmingCharacters(in: .whitespacesAndNewlines))
        )
        #expect(report.isValid, "\(report)")
    }

    @Test("an oversized body over HTTP is refused with 413 before it is read")
    func oversizedOverHTTP() async throws {
        let (fixture, host) = try Self.serve { $0.maximumBodyBytes = 1024 }
        defer { host.stop(grace: 1) }
        let reply = try await HTTPClient(port: host.port).send(
            "POST",
            "/v1/events",
            token: fixture.tokens["ingest"],
            body: String(repeating: "x", count: 100_000),
            contentType: "application/x-ndjson"
        )
        #expect(reply.status == 413 && reply.code == "body_too_large")
    }

    @Test("a client that stalls mid-request is disconnected after the connection timeout")
    func slowClient() throws {
        let (_, host) = try Self.serve { $0.connectionTimeoutSeconds = 1 }
        defer { host.stop(grace: 1) }
        let seconds = HTTPClient(port: host.port).secondsUntilClosed(
            afterSending: "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
            limit: 5
        )
        #expect(seconds != nil && seconds! < 4)
    }

    @Test("32 concurrent clients mixing ingest and reads: no errors, and the audit trail holds every request")
    func concurrentClients() async throws {
        let (fixture, host) = try Self.serve { $0.rateLimitBurst = 10_000 }
        defer { host.stop(grace: 1) }
        let client = HTTPClient(port: host.port)
        let before = fixture.vault.auditTreeSize
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for worker in 0..<32 {
                group.addTask {
                    var statuses: [Int] = []
                    for round in 0..<5 {
                        if worker % 2 == 0 {
                            let country = worker % 4 == 0 ? "DE" : "BR"
                            let lines: [String] = (0..<20).map {
                                ServerFixture.subject("w\(worker)-\(round)-\($0)", country: country)
                            }
                            statuses.append(
                                try await client.send(
                                    "POST",
                                    "/v1/subjects",
                                    token: fixture.tokens["ingest"],
                                    body: lines.joined(separator: "\n"),
                                    contentType: "application/x-ndjson"
                                ).status
                            )
                        } else {
                            statuses.append(
                                try await client.send("GET", "/v1/audit/checkpoint", token: fixture.tokens["dpo"])
                                    .status
                            )
                            statuses.append(
                                try await client.send(
                                    "GET",
                                    "/v1/subjects/lookup?externalId=w0-0-0",
                                    token: fixture.tokens["dpo"]
                                ).status
                            )
                        }
                    }
                    return statuses
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let expectedCount = 16 * 5 + 16 * 10
        #expect(statuses.count == expectedCount)
        #expect(statuses.allSatisfy { $0 == 200 })
        let entries = try fixture.vault.auditEntries(in: before..<fixture.vault.auditTreeSize)
        let perKind = 16 * 5
        #expect(entries.filter { $0.action == "ingest.subjects" }.count == perKind)
        #expect(entries.filter { $0.action == "subject.lookup" }.count == perKind)
        #expect(entries.filter { $0.action == "http.request" }.count == perKind)  // the checkpoint reads
        #expect(Set(entries.map(\.requestId)).count == entries.count)
    }
}
