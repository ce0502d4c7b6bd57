import CordonAudit
import CordonStore
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

@Suite("TokenRegistry: purposes and unique names")
struct TokenRegistryTests {
    let context = AccessContext(actor: "test", role: .admin, actorName: "test-admin")

    @Test func anAnalystTokenKeepsItsPurposesSortedAndDeduplicated() throws {
        let fixture = try VaultFixture()
        let registry = try fixture.vault.tokenRegistry()
        let issued = try registry.create(
            name: "ana",
            role: .analyst,
            scope: .regions(["eu"]),
            purposes: [.marketingEmail, .analytics, .analytics],
            context: context
        )
        #expect(issued.token.purposes == [.analytics, .marketingEmail])
        #expect(try registry.token(id: issued.token.id).purposes == [.analytics, .marketingEmail])
        #expect(try registry.authenticate(issued.secret)?.purposes == [.analytics, .marketingEmail])
        let dpo = try registry.create(name: "dpo", role: .dpo, scope: .allRegions, context: context)
        #expect(try registry.token(id: dpo.token.id).purposes.isEmpty)
    }

    @Test func namesAreUniqueAmongActiveTokensOnly() throws {
        let fixture = try VaultFixture()
        let registry = try fixture.vault.tokenRegistry()
        let first = try registry.create(name: "shop", role: .ingest, scope: .allRegions, context: context)
        let error = #expect(throws: ControlError.self) {
            try registry.create(name: "shop", role: .dpo, scope: .regions(["eu"]), context: context)
        }
        #expect(error?.code == .nameTaken)
        try registry.revoke(id: first.token.id, context: context)
        let second = try registry.create(name: "shop", role: .ingest, scope: .allRegions, context: context)
        #expect(
            try registry.list().filter { $0.name == "shop" }.map(\.id).sorted()
                == [first.token.id, second.token.id].sorted()
        )
    }

    @Test func theCreationEntryNamesTheTokenAndItsPurposes() throws {
        let fixture = try VaultFixture()
        let registry = try fixture.vault.tokenRegistry()
        let issued = try registry.create(
            name: "ana",
            role: .analyst,
            scope: .allRegions,
            purposes: [.analytics],
            context: context
        )
        let audit = fixture.vault.audit
        let entry = try #require(try audit.entries(in: 0..<audit.treeSize).last)
        #expect(entry.action == "token.create" && entry.actor == "test" && entry.event.actorName == "test-admin")
        #expect(entry.details["token"] == .string(issued.token.id))
        #expect(entry.details["name"] == .string("ana") && entry.details["purposes"] == .string("analytics"))
    }

    /// A `control.db` at version 3 (before purposes): duplicate active names, a revoked
    /// duplicate and an analyst token, migrated to the current schema.
    @Test func theMigrationRenamesLaterDuplicatesAndGivesOldAnalystTokensNoPurpose() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent(ControlStore.fileName).path
        do {
            var upToThree = Migrator()
            for migration in ControlStore.schema.migrations where migration.version <= 3 {
                upToThree.register(version: migration.version, name: migration.name, migration.migrate)
            }
            let connection = try Connection(path: path)
            try upToThree.migrate(connection)
            let long = String(repeating: "n", count: 64)
            let rows: [(String, String, String, Int64, Int64?)] = [
                ("tok_0000000000000003", "shop", "ingest", 30, nil),
                ("tok_0000000000000001", "shop", "ingest", 10, nil),
                ("tok_0000000000000002", "shop", "dpo", 20, nil),
                ("tok_0000000000000004", "shop", "ingest", 5, 6),
                ("tok_0000000000000005", "ana", "analyst", 40, nil),
                ("tok_0000000000000006", long, "dpo", 50, nil),
                ("tok_0000000000000007", long, "dpo", 60, nil),
            ]
            for (id, name, role, created, revoked) in rows {
                try connection.execute(
                    """
                    INSERT INTO api_tokens(id, name, role, regions, token_hash, created_at, created_by, revoked_at)
                    VALUES (\(id), \(name), \(role), '*', \(Array(id.utf8)), \(created), 'test', \(revoked))
                    """
                )
            }
        }
        _ = try ControlStore.open(dataDirectory: directory.url)
        let connection = try Connection(path: path)
        #expect(try connection.userVersion == ControlStore.schemaVersion)
        var names: [String: String] = [:]
        for row in try connection.query("SELECT id, name, purposes FROM api_tokens") {
            names[try row.get(String.self, at: 0)] = try row.get(String.self, at: 1)
            #expect(try row.get(String.self, at: 2) == "", "no token gets a purpose it was not given")
        }
        #expect(names["tok_0000000000000001"] == "shop", "the oldest active token keeps the name")
        #expect(names["tok_0000000000000002"] == "shop~tok_0000000000000002")
        #expect(names["tok_0000000000000003"] == "shop~tok_0000000000000003")
        #expect(names["tok_0000000000000004"] == "shop", "a revoked token keeps its name")
        #expect(names["tok_0000000000000005"] == "ana")
        #expect(names["tok_0000000000000006"] == String(repeating: "n", count: 64))
        #expect(names["tok_0000000000000007"] == String(repeating: "n", count: 43) + "~tok_0000000000000007")
        let duplicate = #expect(throws: StoreError.self) {
            try connection.execute(
                """
                INSERT INTO api_tokens(id, name, role, regions, token_hash, created_at, created_by)
                VALUES ('tok_0000000000000009', 'shop', 'dpo', '*', x'00', 70, 'test')
                """
            )
        }
        #expect(duplicate?.code == .constraint)
    }
}
