import CordonStore
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

@Suite("ControlStore")
struct ControlStoreTests {
    @Test func aFreshFileIsMigratedToTheCurrentSchema() throws {
        let directory = try TemporaryDirectory()
        _ = try ControlStore.open(dataDirectory: directory.url, create: true)
        let connection = try Connection(path: directory.url.appendingPathComponent("control.db").path)
        #expect(try connection.userVersion == ControlStore.schemaVersion)
        // 2: privacy-budget ledger, 3: api tokens, 4: anchor and audit witness, 5: token purposes and
        // names, 6: ingest responses, 7: saved queries, 8: breach and transfer registers, 9: witnessing,
        // 10: the coordinator token role
        #expect(ControlStore.schemaVersion == 10)
        let tables = try connection.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .map { try $0.get(String.self, at: 0) }
        #expect(
            Set([
                "api_tokens", "audit_witness", "dsr_requests", "erasure_tombstones", "privacy_budget",
                "released_answers", "store_state", "ingest_responses", "saved_queries", "breaches",
                "breach_notifications", "transfers", "witness_peers", "witness_alarms", "received_cosignatures",
            ])
            .isSubset(of: Set(tables))
        )
        let columns = try connection.query("SELECT name FROM pragma_table_info('dsr_requests')")
            .map { try $0.get(String.self, at: 0) }
        #expect(
            columns == [
                "id", "region", "subject_id", "external_ref", "kind", "received_at", "due_at", "extended_due_at",
                "extension_reason", "status", "completed_at", "outcome", "policy_id", "policy_version",
            ]
        )
    }

    @Test func reopeningAMigratedFileChangesNothing() throws {
        let directory = try TemporaryDirectory()
        let store = try ControlStore.open(dataDirectory: directory.url, create: true)
        try store.recordTombstone(region: "eu", subjectID: ControlFixture.subject, erasedAt: Date())
        let again = try ControlStore.open(dataDirectory: directory.url, create: true)
        #expect(try again.tombstones(region: "eu").count == 1)
    }

    @Test func aMissingDataDirectorySaysToRunInit() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.url.appendingPathComponent("nowhere")
        let error = controlError { _ = try ControlStore.open(dataDirectory: missing) }
        #expect(error?.code == .notInitialized)
        #expect(error?.message.contains("run `cordon init --data \(missing.path)`") == true)
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    @Test func aMissingFileIsNeverRecreated() throws {
        let directory = try TemporaryDirectory()
        let error = controlError { _ = try ControlStore.open(dataDirectory: directory.url) }
        #expect(error?.code == .missing)
        #expect(error?.message.contains("only `cordon init` creates it") == true)
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("control.db").path))
    }

    @Test func aNewerSchemaIsRefusedWithoutWriting() throws {
        let directory = try TemporaryDirectory()
        do {
            let connection = try Connection(path: directory.url.appendingPathComponent("control.db").path)
            try connection.setUserVersion(99)
        }
        let error = controlError { _ = try ControlStore.open(dataDirectory: directory.url, create: true) }
        #expect(error?.code == .storage)
        #expect(error?.message.contains("upgrade cordon") == true)
        #expect((error?.underlying as? StoreError)?.code == .schemaTooNew)
    }

    @Test func tombstonesRoundTripPerRegionKeepingTheEarliestErasure() throws {
        let directory = try TemporaryDirectory()
        let store = try ControlStore.open(dataDirectory: directory.url, create: true)
        let first = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        let second = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
        try store.recordTombstone(region: "eu", subjectID: second, erasedAt: ControlFixture.at("2025-02-01T00:00:00Z"))
        try store.recordTombstone(
            region: "eu",
            subjectID: first,
            erasedAt: ControlFixture.at("2025-03-01T00:00:00.900Z")
        )
        try store.recordTombstone(region: "us", subjectID: first, erasedAt: ControlFixture.at("2025-01-01T00:00:00Z"))
        // A retried erasure keeps the first time, whichever order the calls come in.
        try store.recordTombstone(region: "eu", subjectID: second, erasedAt: ControlFixture.at("2025-04-01T00:00:00Z"))
        try store.recordTombstone(region: "eu", subjectID: first, erasedAt: ControlFixture.at("2025-01-15T00:00:00Z"))

        #expect(
            try store.tombstones(region: "eu") == [
                Tombstone(region: "eu", subjectID: first, erasedAt: ControlFixture.at("2025-01-15T00:00:00Z")),
                Tombstone(region: "eu", subjectID: second, erasedAt: ControlFixture.at("2025-02-01T00:00:00Z")),
            ]
        )
        #expect(try store.tombstones(region: "us").map(\.subjectID) == [first])
        #expect(try store.tombstones(region: "br").isEmpty)

        let json = String(decoding: try JSONEncoder().encode(try store.tombstones(region: "us")), as: UTF8.self)
        #expect(json.contains("\"erasedAt\":\"2025-01-01T00:00:00.000Z\""))
        #expect(
            try JSONDecoder().decode([Tombstone].self, from: Data(json.utf8)) == (try store.tombstones(region: "us"))
        )
    }

    @Test func aTombstoneTakesOnlyASubjectId() throws {
        let directory = try TemporaryDirectory()
        let store = try ControlStore.open(dataDirectory: directory.url, create: true)
        let error = controlError {
            try store.recordTombstone(region: "eu", subjectID: "jane@example.com", erasedAt: Date())
        }
        #expect(error?.code == .invalidInput)
        #expect(try store.tombstones(region: "eu").isEmpty)
    }
}
