import CordonAudit
import CordonStore
import Foundation
import Testing

@testable import CordonCore

/// A keyed batch is one transaction per region, each recording the key: a retry after a
/// failure between two regions' transactions writes only what is missing.
@Suite("Ingest: idempotent batches")
struct IdempotentIngestTests {
    static let events = [
        VaultFixture.event("i-eu"), VaultFixture.event("i-uk"), VaultFixture.event("i-eu"),
        VaultFixture.event("i-uk"), VaultFixture.event("nobody"),
    ]

    /// A vault with one subject in eu and one in uk.
    static func fixture() throws -> VaultFixture {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([
            VaultFixture.subject("i-eu", country: "FR"), VaultFixture.subject("i-uk", country: "GB"),
        ])
        return fixture
    }

    static func ingest(
        _ fixture: VaultFixture,
        _ lines: [String],
        key: String?,
        context: AccessContext? = nil
    ) throws -> (IngestSummary, [LineRejection]) {
        var options = IngestOptions()
        options.idempotency = try key.map {
            try IngestIdempotency(key: $0, kind: "events", body: Array(lines.joined(separator: "\n").utf8))
        }
        var rejections: [LineRejection] = []
        let summary = try fixture.vault.ingestEvents(
            from: try fixture.reader(lines),
            context: context ?? fixture.context,
            options: options
        ) { rejections.append($0) }
        return (summary, rejections.sorted { $0.line < $1.line })
    }

    static func eventCount(_ fixture: VaultFixture, _ region: RegionID) throws -> Int {
        try fixture.vault.store(region).read { db in try db.scalar(Int.self, "SELECT count(*) FROM events") } ?? 0
    }

    /// Makes every insert into `region`'s events fail, on the store's own connection (a
    /// temporary trigger, gone with the connection): the write fails after the regions
    /// sorted before it committed, as a crash between two transactions would leave them.
    static func failWrites(_ fixture: VaultFixture, in region: RegionID) throws {
        try fixture.vault.store(region).pool.write { db in
            try db.execute(
                "CREATE TEMP TRIGGER injected_failure BEFORE INSERT ON main.events BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
        }
    }

    static func healWrites(_ fixture: VaultFixture, in region: RegionID) throws {
        try fixture.vault.store(region).pool.write { db in try db.execute("DROP TRIGGER temp.injected_failure") }
    }

    @Test func aRetryAfterOneRegionFailedWritesOnlyThatRegion() throws {
        let fixture = try Self.fixture()
        try Self.failWrites(fixture, in: "uk")
        let (first, firstRejections) = try Self.ingest(fixture, Self.events, key: "batch-1")
        #expect(first.acceptedByRegion == ["eu": 2])
        #expect(first.unavailableRegions == ["uk": "storage_unavailable"])
        #expect(firstRejections.map(\.line) == [2, 4, 5])
        #expect(firstRejections.map(\.reason) == [.regionUnavailable, .regionUnavailable, .unknownSubject])
        #expect(try Self.eventCount(fixture, "eu") == 2)
        #expect(try Self.eventCount(fixture, "uk") == 0)

        try Self.healWrites(fixture, in: "uk")
        let entriesBefore = try fixture.entries().count
        let (retry, retryRejections) = try Self.ingest(fixture, Self.events, key: "batch-1")
        #expect(try Self.eventCount(fixture, "eu") == 2, "eu committed the first time: not written again")
        #expect(try Self.eventCount(fixture, "uk") == 2)
        #expect(retry.accepted == 4)
        #expect(retry.acceptedByRegion == ["eu": 2, "uk": 2])
        #expect(retry.rejectedByReason == ["unknown_subject": 1])
        #expect(retry.unavailableRegions == nil)
        #expect(retryRejections.map(\.line) == [5])
        let written = try fixture.entries().dropFirst(entriesBefore).filter { $0.action == "ingest.events" }
        #expect(written.map(\.regions) == [["uk"]], "only the missing region is written and audited")
        #expect(written.first?.details["idempotencyKey"] != nil)

        // A third attempt writes nothing at all.
        let (third, _) = try Self.ingest(fixture, Self.events, key: "batch-1")
        #expect(third.accepted == 4 && third.auditEntries.isEmpty)
        #expect(try Self.eventCount(fixture, "eu") == 2 && Self.eventCount(fixture, "uk") == 2)
    }

    @Test func aResumedRegionReportsTheLinesItRefusedTheFirstTime() throws {
        let fixture = try Self.fixture()
        let lines = [
            VaultFixture.subject("s-eu", country: "DE"),
            VaultFixture.subject("s-child", country: "DE", birthYear: 2016),
            VaultFixture.subject("s-uk", country: "GB"),
        ]
        var options = IngestOptions()
        options.idempotency = try IngestIdempotency(
            key: "subjects-9",
            kind: "subjects",
            body: Array(lines.joined(separator: "\n").utf8)
        )
        try fixture.vault.store("uk").pool.write { db in
            try db.execute(
                "CREATE TEMP TRIGGER injected_failure BEFORE INSERT ON main.subjects BEGIN SELECT RAISE(ABORT, 'injected'); END"
            )
        }
        let first = try fixture.vault.ingestSubjects(
            from: try fixture.reader(lines),
            context: fixture.context,
            options: options
        )
        #expect(first.acceptedByRegion == ["eu": 1])
        #expect(first.rejectedByReason == ["under_age": 1, "region_unavailable": 1])
        try fixture.vault.store("uk").pool.write { db in try db.execute("DROP TRIGGER temp.injected_failure") }

        var rejections: [LineRejection] = []
        let retry = try fixture.vault.ingestSubjects(
            from: try fixture.reader(lines),
            context: fixture.context,
            options: options
        ) { rejections.append($0) }
        #expect(retry.acceptedByRegion == ["eu": 1, "uk": 1])
        #expect(retry.created == 2)
        #expect(rejections.map(\.line) == [2] && rejections.first?.reason == .underAge, "recorded with eu's key")
        #expect(try fixture.id(of: "s-uk") != nil)
    }

    @Test func aKeyBeingAnsweredIsNotAnsweredTwiceAtOnce() throws {
        let fixture = try Self.fixture()
        let key = try IngestIdempotency(key: "busy", kind: "events", body: [])
        let error = #expect(throws: VaultError.self) {
            try fixture.vault.withIngestKey(key) { try fixture.vault.withIngestKey(key) {} }
        }
        #expect(error?.code == .idempotencyKeyInUse)
        try fixture.vault.withIngestKey(key) {}  // released again
    }

    @Test func withoutAKeyARetryWritesAgain() throws {
        let fixture = try Self.fixture()
        _ = try Self.ingest(fixture, Self.events, key: nil)
        _ = try Self.ingest(fixture, Self.events, key: nil)
        #expect(try Self.eventCount(fixture, "eu") == 4)
    }

    @Test func aKeyUsedForAnotherBodyOrCallerIsRefusedBeforeAnythingIsWritten() throws {
        let fixture = try Self.fixture()
        _ = try Self.ingest(fixture, Self.events, key: "batch-2")
        let other = Array(Self.events.prefix(2))
        let reused = #expect(throws: VaultError.self) { _ = try Self.ingest(fixture, other, key: "batch-2") }
        #expect(reused?.code == .idempotencyKeyReused)
        let stranger = AccessContext(actor: "tok_other", role: .ingest)
        let stolen = #expect(throws: VaultError.self) {
            _ = try Self.ingest(fixture, Self.events, key: "batch-2", context: stranger)
        }
        #expect(stolen?.code == .idempotencyKeyReused)
        #expect(try Self.eventCount(fixture, "eu") == 2)
        #expect(try Self.eventCount(fixture, "uk") == 2)
    }

    @Test func aKeyIsOneTo255PrintableASCIICharacters() throws {
        for bad in ["", String(repeating: "k", count: 256), "tab\there", "é"] {
            #expect(throws: VaultError.self) { _ = try IngestIdempotency(key: bad, kind: "events", body: []) }
        }
        _ = try IngestIdempotency(key: String(repeating: "k", count: 255), kind: "events", body: [])
        _ = try IngestIdempotency(key: "order 17/retry #2", kind: "events", body: [])
    }

    @Test func aRecordedAnswerIsReturnedAsItWasAndOnlyToItsCaller() throws {
        let fixture = try Self.fixture()
        let key = try IngestIdempotency(key: "answer-1", kind: "events", body: [1, 2, 3])
        #expect(try fixture.vault.recordedIngestResponse(for: key, context: fixture.context) == nil)
        let answer = RecordedIngestResponse(status: 200, body: Array(#"{"summary":{}}"#.utf8))
        try fixture.vault.recordIngestResponse(answer, for: key, context: fixture.context)
        #expect(try fixture.vault.recordedIngestResponse(for: key, context: fixture.context) == answer)
        #expect(try fixture.entries().last?.details["control.commit"] != nil, "an anchored control.db write")

        let otherBody = try IngestIdempotency(key: "answer-1", kind: "events", body: [1, 2])
        #expect(throws: VaultError.self) {
            _ = try fixture.vault.recordedIngestResponse(for: otherBody, context: fixture.context)
        }
        let otherKind = try IngestIdempotency(key: "answer-1", kind: "subjects", body: [1, 2, 3])
        #expect(throws: VaultError.self) {
            _ = try fixture.vault.recordedIngestResponse(for: otherKind, context: fixture.context)
        }
    }

    @Test func keysAreKeptADayAndThenSweptByRetention() throws {
        let fixture = try Self.fixture()
        _ = try Self.ingest(fixture, Self.events, key: "batch-3")
        let key = try IngestIdempotency(key: "batch-3", kind: "events", body: [])
        try fixture.vault.recordIngestResponse(
            RecordedIngestResponse(status: 200, body: []),
            for: key,
            context: fixture.context
        )
        let now = Int64(Date().timeIntervalSince1970)
        let soon = try fixture.vault.runRetention(context: fixture.context, now: now + 23 * 3600)
        #expect(soon.idempotencyKeysExpired == 0)
        let later = try fixture.vault.runRetention(context: fixture.context, now: now + 25 * 3600)
        #expect(later.idempotencyKeysExpired == 3, "eu's and uk's keys and the recorded answer")
        #expect(try fixture.entries().filter { $0.action == "ingest.keys.expire" }.count == 3)
        // The key is free again: the same batch is a new batch.
        let before = try Self.eventCount(fixture, "eu")
        _ = try Self.ingest(fixture, Self.events, key: "batch-3")
        #expect(try Self.eventCount(fixture, "eu") == before + 2)
    }
}
