import CordonStore
import CordonTestSupport
import Testing

@Suite struct MigratorTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    /// Migrations that each record their name, so a test sees which ones ran.
    private func migrator(upTo latest: Int) -> Migrator {
        var migrator = Migrator()
        migrator.register(version: 1, name: "create log") { connection in
            try connection.execute(script: "CREATE TABLE log(name TEXT NOT NULL);")
            try connection.execute("INSERT INTO log VALUES (\("v1"))")
        }
        for version in 2...5 where version <= latest {
            migrator.register(version: version, name: "step \(version)") { connection in
                try connection.execute("INSERT INTO log VALUES (\("v\(version)"))")
            }
        }
        return migrator
    }

    private func log(_ connection: Connection) throws -> [String] {
        try connection.query("SELECT name FROM log ORDER BY rowid").map { try $0.get(String.self, at: 0) }
    }

    @Test func appliesOnlyPendingMigrations() throws {
        let connection = try Connection(path: directory.path("m.db"))
        try migrator(upTo: 2).migrate(connection)
        #expect(try connection.userVersion == 2)

        try migrator(upTo: 4).migrate(connection)
        #expect(try connection.userVersion == 4)
        #expect(try log(connection) == ["v1", "v2", "v3", "v4"])

        try migrator(upTo: 4).migrate(connection)
        #expect(try log(connection).count == 4)
    }

    @Test func failingMigrationStopsAtTheLastCompletedStep() throws {
        let connection = try Connection(path: directory.path("m.db"))
        var migrator = migrator(upTo: 2)
        migrator.register(version: 3, name: "broken") { connection in
            try connection.execute("INSERT INTO log VALUES (\("v3"))")
            try connection.execute("INSERT INTO missing VALUES (\(1))")
        }
        #expect(throws: StoreError.self) { try migrator.migrate(connection) }
        #expect(try connection.userVersion == 2)
        #expect(try log(connection) == ["v1", "v2"])
    }

    @Test func newerSchemaIsRefusedAndTheFileIsUntouched() throws {
        let path = directory.path("future.db")
        do {
            let connection = try Connection(path: path)
            try migrator(upTo: 5).migrate(connection)
            try connection.setUserVersion(7)
        }
        let before = try directory.contents("future.db")

        let error = try #require(throws: StoreError.self) {
            let connection = try Connection(path: path)
            try migrator(upTo: 5).migrate(connection)
        }
        #expect(error.code == .schemaTooNew)
        #expect(
            error.message == "future.db has schema version 7 but this build knows up to 5; upgrade cordon"
        )
        #expect(error.description.contains(path))
        #expect(throws: StoreError.self) { try DatabaseQueue(path: path, migrator: migrator(upTo: 5)) }

        #expect(try directory.contents("future.db") == before)
    }

    @Test func registeringOutOfOrderTraps() async {
        await #expect(processExitsWith: .failure) {
            var migrator = Migrator()
            migrator.register(version: 2, name: "two") { _ in }
            migrator.register(version: 1, name: "one") { _ in }
        }
    }
}
