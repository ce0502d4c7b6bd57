import CordonStore
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

@Suite("control.db v8: breach and transfer registers")
struct RegisterSchemaTests {
    @Test func aVersion7FileKeepsItsRowsAndGainsEmptyRegisters() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent(ControlStore.fileName).path
        do {
            var upToSeven = Migrator()
            for migration in ControlStore.schema.migrations where migration.version <= 7 {
                upToSeven.register(version: migration.version, name: migration.name, migration.migrate)
            }
            let connection = try Connection(path: path)
            try upToSeven.migrate(connection)
            try connection.execute(
                "INSERT INTO erasure_tombstones(region, subject_id, erased_at) VALUES ('eu', \(ControlFixture.subject), 1)"
            )
        }
        _ = try ControlStore.open(dataDirectory: directory.url)
        let connection = try Connection(path: path)
        #expect(try connection.userVersion == ControlStore.schemaVersion)
        #expect(try connection.query("SELECT COUNT(*) FROM erasure_tombstones").first?.get(Int64.self, at: 0) == 1)
        let empty =
            try connection.query(
                "SELECT (SELECT COUNT(*) FROM breaches) + (SELECT COUNT(*) FROM breach_notifications) + (SELECT COUNT(*) FROM transfers)"
            ).first?.get(Int64.self, at: 0)
        #expect(empty == 0)
    }

    @Test func theTablesRefuseValuesOutsideTheirDomain() throws {
        let directory = try TemporaryDirectory()
        _ = try ControlStore.open(dataDirectory: directory.url, create: true)
        let connection = try Connection(path: directory.url.appendingPathComponent(ControlStore.fileName).path)
        #expect(throws: StoreError.self) {
            try connection.execute(
                "INSERT INTO breaches(id, title, detected_at, regions, categories, status, opened_at, opened_by) VALUES ('b', 't', 0, 'eu', '', 'pending', 0, 'x')"
            )
        }
        #expect(throws: StoreError.self) {
            try connection.execute(
                "INSERT INTO breach_notifications(breach_id, region, recipient, outcome, notified_at, reference, recorded_at) VALUES ('b', 'eu', 'press', 'sent', 0, 'r', 0)"
            )
        }
    }
}
