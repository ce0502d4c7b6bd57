import CordonStore
import CordonTestSupport
import Foundation
import Testing

@Suite struct ConnectionTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    @Test func safePragmasAreInForceAfterOpen() throws {
        let connection = try Connection(path: directory.path("safe.db"))
        #expect(try connection.scalar(String.self, "PRAGMA journal_mode") == "wal")
        #expect(try connection.scalar(Int.self, "PRAGMA foreign_keys") == 1)
        #expect(try connection.scalar(Int.self, "PRAGMA secure_delete") == 1)
        #expect(try connection.scalar(Int.self, "PRAGMA synchronous") == 2)  // FULL
        #expect(try connection.scalar(Int.self, "PRAGMA temp_store") == 2)  // MEMORY
        #expect(try connection.scalar(Int.self, "PRAGMA busy_timeout") == 5000)
    }

    @Test func configurationOverridesApply() throws {
        var configuration = Configuration()
        configuration.synchronous = .normal
        configuration.journalMode = .delete
        configuration.foreignKeys = false
        configuration.busyTimeout = 100
        let connection = try Connection(path: directory.path("custom.db"), configuration: configuration)
        #expect(try connection.scalar(String.self, "PRAGMA journal_mode") == "delete")
        #expect(try connection.scalar(Int.self, "PRAGMA synchronous") == 1)  // NORMAL
        #expect(try connection.scalar(Int.self, "PRAGMA foreign_keys") == 0)
        #expect(try connection.scalar(Int.self, "PRAGMA busy_timeout") == 100)
    }

    @Test func foreignKeysAreEnforced() throws {
        let connection = try Connection(path: directory.path("fk.db"))
        try connection.execute(
            script: """
                CREATE TABLE subjects(id INTEGER PRIMARY KEY);
                CREATE TABLE events(subject_id INTEGER NOT NULL REFERENCES subjects(id));
                """
        )
        let error = #expect(throws: StoreError.self) {
            try connection.execute("INSERT INTO events(subject_id) VALUES (\(42))")
        }
        #expect(error?.code == .constraint)
        #expect(error?.extendedCode == 787)  // SQLITE_CONSTRAINT_FOREIGNKEY
    }

    @Test func uniqueViolationCarriesExtendedCodeButNoValueOrSQL() throws {
        let path = directory.path("unique.db")
        let connection = try Connection(path: path)
        try connection.execute("CREATE TABLE subjects(email_index TEXT UNIQUE)")
        let email = "jane.doe@example.com"
        try connection.execute("INSERT INTO subjects(email_index) VALUES (\(email))")
        let error = try #require(throws: StoreError.self) {
            try connection.execute("INSERT INTO subjects(email_index) VALUES (\(email))")
        }
        #expect(error.code == .constraint)
        #expect(error.extendedCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
        #expect(error.path == path)
        #expect(error.sql == "INSERT INTO subjects(email_index) VALUES (?)")
        #expect(error.description.contains(path))
        #expect(error.description.contains("UNIQUE constraint failed"))
        #expect(!error.description.contains(email))
        #expect(!error.description.contains("INSERT"))
    }

    @Test func openingANonDatabaseFileFailsWithNotADatabase() throws {
        let path = directory.path("notes.db")
        try Data(repeating: UInt8(ascii: "x"), count: 4096).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: StoreError.self) { try Connection(path: path) }
        #expect(error.code == .notADatabase)
        #expect(error.description.contains(path))

        var readOnly = Configuration()
        readOnly.readOnly = true
        let readOnlyError = #expect(throws: StoreError.self) {
            try Connection(path: path, configuration: readOnly)
        }
        #expect(readOnlyError?.code == .notADatabase)
    }

    @Test func openingAMissingFileReadOnlyFailsWithCantOpen() throws {
        var configuration = Configuration()
        configuration.readOnly = true
        let error = #expect(throws: StoreError.self) {
            try Connection(path: directory.path("missing.db"), configuration: configuration)
        }
        #expect(error?.code == .cantOpen)
    }

    @Test func prepareNewDatabaseRunsBeforeTheFirstWrite() throws {
        let calls = Counter()
        var configuration = Configuration()
        configuration.prepareNewDatabase = { connection in
            calls.increment()
            try connection.setReserveBytes(40)
        }
        do {
            let connection = try Connection(path: directory.path("reserve.db"), configuration: configuration)
            try connection.execute("CREATE TABLE t(v)")
        }
        // Byte 20 of the header: "Bytes of unused 'reserved' space at the end of each page".
        #expect(try directory.contents("reserve.db")[20] == 40)
        #expect(calls.value == 1)

        // An existing database is not new: the hook does not run again.
        _ = try Connection(path: directory.path("reserve.db"), configuration: configuration)
        #expect(calls.value == 1)
    }

    @Test func statementCacheReusesSQLWithDifferentArguments() throws {
        var configuration = Configuration()
        configuration.statementCacheCapacity = 2
        let connection = try Connection(path: directory.path("cache.db"), configuration: configuration)
        try connection.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
        for id in 1...50 {
            try connection.execute("INSERT INTO t(id, v) VALUES (\(id), \("v\(id)"))")
            #expect(connection.lastInsertRowID == Int64(id))
        }
        for id in [7, 1, 50, 7, 23] {
            #expect(try connection.scalar(String.self, "SELECT v FROM t WHERE id = \(id)") == "v\(id)")
            // More distinct texts than the cache holds, to exercise eviction.
            #expect(try connection.scalar(Int.self, "SELECT id FROM t WHERE v = \("v\(id)")") == id)
            #expect(try connection.scalar(Int.self, "SELECT count(*) FROM t WHERE id <= \(id)") == id)
        }
        try connection.execute("UPDATE t SET v = \("x") WHERE id > \(40)")
        #expect(connection.changes == 10)
    }

    @Test func nestedQueryWithTheSameSQLDoesNotDisturbTheOuterOne() throws {
        let connection = try Connection(path: ":memory:")
        try connection.execute("CREATE TABLE t(id INTEGER)")
        for id in 1...3 { try connection.execute("INSERT INTO t VALUES (\(id))") }
        var pairs: [[Int]] = []
        try connection.forEachRow("SELECT id FROM t WHERE id >= \(1) ORDER BY id") { outer in
            let id = try outer.get(Int.self, at: 0)
            let inner = try connection.query("SELECT id FROM t WHERE id >= \(id) ORDER BY id")
            pairs.append(try inner.map { try $0.get(Int.self, at: 0) })
        }
        #expect(pairs == [[1, 2, 3], [2, 3], [3]])
    }

    @Test func firstRowAndScalarHandleEmptyResults() throws {
        let connection = try Connection(path: ":memory:")
        try connection.execute("CREATE TABLE t(v)")
        #expect(try connection.scalar(Int.self, "SELECT v FROM t") == nil)
        #expect(try connection.scalar(Int.self, "SELECT max(v) FROM t") == nil)
        let error = #expect(throws: StoreError.self) { try connection.firstRow("SELECT v FROM t") }
        #expect(error?.code == .noRow)
    }

    @Test func madeStatementRebindsAndSteps() throws {
        let connection = try Connection(path: ":memory:")
        try connection.execute("CREATE TABLE t(v INTEGER)")
        let insert = try connection.makeStatement("INSERT INTO t(v) VALUES (\(0))")
        #expect(try insert.step() == nil)
        for value in 1...3 {
            insert.reset()
            try insert.bind([.integer(Int64(value))])
            #expect(try insert.step() == nil)
        }
        let select = try connection.makeStatement("SELECT sum(v) AS total FROM t")
        #expect(select.columnNames == ["total"])
        #expect(try select.step()?["total"] == .integer(6))
    }

    @Test func userVersionAndCheckpoint() throws {
        let connection = try Connection(path: directory.path("version.db"))
        #expect(try connection.userVersion == 0)
        try connection.setUserVersion(12)
        #expect(try connection.userVersion == 12)
        try connection.checkpoint()
        let walSize = try FileManager.default.attributesOfItem(atPath: directory.path("version.db-wal"))[
            .size
        ]
        #expect(walSize as? Int == 0)
    }

    @Test func sqlErrorKeepsSQLApartFromDescription() throws {
        let connection = try Connection(path: ":memory:")
        let error = try #require(throws: StoreError.self) { try connection.query("SELECT * FROM nowhere") }
        #expect(error.code == .error)
        #expect(error.message == "no such table: nowhere")
        #expect(error.sql == "SELECT * FROM nowhere")
    }

    @Test func scriptErrorReportsSQLiteMessage() throws {
        let connection = try Connection(path: ":memory:")
        let error = try #require(throws: StoreError.self) {
            try connection.execute(script: "CREATE TABLE a(x); CREATE TABLE a(x);")
        }
        #expect(error.code == .error)
        #expect(error.message == "table a already exists")
        #expect(try connection.scalar(Int.self, "SELECT count(*) FROM sqlite_schema WHERE name = 'a'") == 1)
    }

    @Test func multipleStatementsInOneSQLValueTrap() async {
        await #expect(processExitsWith: .failure) {
            let connection = try Connection(path: ":memory:")
            try connection.execute("SELECT 1; SELECT 2")
        }
    }

    @Test func wrongArgumentCountTraps() async {
        await #expect(processExitsWith: .failure) {
            let connection = try Connection(path: ":memory:")
            try connection.execute("SELECT ?")
        }
    }
}
