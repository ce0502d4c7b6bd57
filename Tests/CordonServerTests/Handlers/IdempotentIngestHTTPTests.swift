import CordonAudit
import CordonStore
import Foundation
import Testing

@testable import CordonCore
@testable import CordonServer

/// `Idempotency-Key` on `POST /v1/subjects` and `POST /v1/events`: a retry returns the first
/// answer without writing, and a retry after a failure between two regions' transactions
/// writes only the region that is missing.
@Suite("HTTP: idempotent ingest")
struct IdempotentIngestHTTPTests {
    static let lines = [
        ServerFixture.event("k-eu"), ServerFixture.event("k-uk"), ServerFixture.event("k-eu"),
        ServerFixture.event("k-uk"),
    ]

    static func fixture() throws -> ServerFixture {
        let fixture = try ServerFixture()
        fixture.ingest(
            "subjects",
            [ServerFixture.subject("k-eu", country: "FR"), ServerFixture.subject("k-uk", country: "GB")]
        )
        return fixture
    }

    static func post(
        _ fixture: ServerFixture,
        _ kind: String = "events",
        lines: [String] = lines,
        key: String?,
        token: String = "ingest"
    ) -> Reply {
        fixture.call(
            "POST",
            "/v1/\(kind)",
            token: token,
            body: lines.joined(separator: "\n"),
            contentType: "application/x-ndjson",
            headers: key.map { ["Idempotency-Key": $0] } ?? [:]
        )
    }

    static func events(_ fixture: ServerFixture, _ region: RegionID) throws -> Int {
        try fixture.vault.store(region).read { db in try db.scalar(Int.self, "SELECT count(*) FROM events") } ?? 0
    }

    static func ingestEntries(_ fixture: ServerFixture) throws -> [AuditEntry] {
        try fixture.vault.audit.entries(in: 0..<fixture.vault.audit.treeSize).filter {
            $0.action.hasPrefix("ingest.")
        }
    }

    @Test func aReplayReturnsTheSameBytesWithoutWriting() throws {
        let fixture = try Self.fixture()
        let first = Self.post(fixture, key: "order-batch-1")
        #expect(first.status == 200, "\(first.text)")
        #expect(first.header("Idempotent-Replayed") == nil)
        let written = try Self.ingestEntries(fixture).count
        let replay = Self.post(fixture, key: "order-batch-1")
        #expect(replay.status == 200)
        #expect(replay.body == first.body, "byte for byte")
        #expect(replay.header("Idempotent-Replayed") == "true")
        #expect(try Self.ingestEntries(fixture).count == written, "no new write, no new ingest entry")
        #expect(try Self.events(fixture, "eu") == 2 && Self.events(fixture, "uk") == 2)

        let subjects = [ServerFixture.subject("k-new", country: "DE")]
        let created = Self.post(fixture, "subjects", lines: subjects, key: "subjects-1")
        #expect(Self.post(fixture, "subjects", lines: subjects, key: "subjects-1").body == created.body)
        #expect(((created.json?["summary"] as? [String: Any])?["created"] as? Int) == 1)
    }

    @Test func withoutAKeyNothingChanges() throws {
        let fixture = try Self.fixture()
        let first = Self.post(fixture, key: nil)
        let second = Self.post(fixture, key: nil)
        #expect(first.status == 200 && second.status == 200)
        #expect(second.header("Idempotent-Replayed") == nil)
        #expect(try Self.events(fixture, "eu") == 4, "a retry without a key writes again")
    }

    @Test func aKeyReusedForAnotherBodyOrByAnotherTokenIs422() throws {
        let fixture = try Self.fixture()
        #expect(Self.post(fixture, key: "k-1").status == 200)
        let other = Self.post(fixture, lines: Array(Self.lines.prefix(1)), key: "k-1")
        #expect(other.status == 422 && other.code == "idempotency_key_reused", "\(other.text)")
        let subjects = Self.post(fixture, "subjects", lines: Self.lines, key: "k-1")
        #expect(subjects.status == 422, "the endpoint is part of the request")
        let stranger = Self.post(fixture, key: "k-1", token: "admin")
        #expect(stranger.status != 200)
        let sameRole = Self.post(fixture, lines: [ServerFixture.event("k-eu")], key: "k-1", token: "ingest-eu")
        #expect(sameRole.status == 422, "\(sameRole.text)")
        #expect(try Self.events(fixture, "eu") == 2)
    }

    @Test(arguments: ["", String(repeating: "x", count: 256), "naïve", "tab\there"])
    func aMalformedKeyIs400(_ key: String) throws {
        let fixture = try Self.fixture()
        let reply = Self.post(fixture, key: key)
        #expect(reply.status == 400 && reply.code == "invalid_request", "\(reply.text)")
        #expect(try Self.events(fixture, "eu") == 0)
    }

    @Test func aRetryAfterAFailureBetweenTwoRegionsWritesOnlyTheMissingOne() throws {
        let fixture = try Self.fixture()
        // uk's transaction fails after eu's committed (the regions are written in order).
        try fixture.vault.store("uk").pool.write { db in
            try db.execute(
                "CREATE TEMP TRIGGER injected_failure BEFORE INSERT ON main.events BEGIN SELECT RAISE(ABORT, 'injected'); END"
            )
        }
        let partial = Self.post(fixture, key: "batch-7")
        #expect(partial.status == 200, "\(partial.text)")
        let partialSummary = partial.json?["summary"] as? [String: Any]
        #expect(partialSummary?["acceptedByRegion"] as? [String: Int] == ["eu": 2])
        #expect(partialSummary?["unavailableRegions"] as? [String: String] == ["uk": "storage_unavailable"])
        #expect(try Self.events(fixture, "eu") == 2 && Self.events(fixture, "uk") == 0)

        // A batch of uk lines only, under another key, fails as a whole: 503, nothing kept.
        let ukOnly = Self.post(fixture, lines: [ServerFixture.event("k-uk")], key: "batch-8")
        #expect(ukOnly.status == 503 && ukOnly.code == "storage_unavailable", "\(ukOnly.text)")

        try fixture.vault.store("uk").pool.write { db in try db.execute("DROP TRIGGER temp.injected_failure") }
        let retry = Self.post(fixture, key: "batch-7")
        #expect(retry.status == 200, "\(retry.text)")
        #expect(retry.header("Idempotent-Replayed") == nil, "the first answer was not final")
        let summary = retry.json?["summary"] as? [String: Any]
        #expect(summary?["accepted"] as? Int == 4)
        #expect(summary?["acceptedByRegion"] as? [String: Int] == ["eu": 2, "uk": 2])
        #expect(summary?["unavailableRegions"] == nil)
        #expect((retry.json?["rejections"] as? [Any])?.isEmpty == true)
        #expect(try Self.events(fixture, "eu") == 2, "eu is not written twice")
        #expect(try Self.events(fixture, "uk") == 2)

        let replay = Self.post(fixture, key: "batch-7")
        #expect(replay.body == retry.body && replay.header("Idempotent-Replayed") == "true")
        let retryUKOnly = Self.post(fixture, lines: [ServerFixture.event("k-uk")], key: "batch-8")
        #expect(retryUKOnly.status == 200)
        #expect(try Self.events(fixture, "uk") == 3)
    }

    @Test func aBatchIsOneTransactionPerRegion() throws {
        let fixture = try Self.fixture()
        let lines = (0..<2500).map { ServerFixture.event($0.isMultiple(of: 2) ? "k-eu" : "k-uk") }
        let before = try Self.ingestEntries(fixture).count
        #expect(Self.post(fixture, lines: lines, key: nil).status == 200)
        let entries = try Self.ingestEntries(fixture).dropFirst(before)
        #expect(entries.map(\.regions) == [["eu"], ["uk"]], "one audited transaction per region, not per 1000 lines")
    }
}
