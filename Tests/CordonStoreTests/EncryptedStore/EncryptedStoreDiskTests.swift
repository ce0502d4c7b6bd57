import CordonStore
import CordonTestSupport
import Foundation
import Testing

/// What reaches the disk: no plaintext (temporary files included), and a re-encryption
/// that replaces the store whole.
@Suite struct EncryptedStoreDiskTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    private func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted()
    }

    private static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let needle = Array(needle.utf8)
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start] == needle[0] && Array(haystack[start..<(start + needle.count)]) == needle
        }
    }

    @Test(arguments: [Configuration.JournalMode.wal, .delete])
    func noPlaintextMarkerReachesAnyFile(journalMode: Configuration.JournalMode) throws {
        let path = directory.path("markers.db")
        let connection = try Connection(
            path: path,
            configuration: EncryptedStore.configuration(journalMode: journalMode)
        )
        try connection.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection, count: 1000)
        try connection.checkpoint(.passive)
        try EncryptedStore.insertEvents(connection, count: 1000, firstID: 5000)
        try connection.execute("UPDATE events SET campaign = \("cmp-2025-spring-9") WHERE id % 5 = 0")
        // Keep a rollback journal around in the middle of a transaction, too.
        try connection.execute("BEGIN IMMEDIATE")
        try connection.execute("DELETE FROM events WHERE id % 3 = 0")
        try connection.execute("PRAGMA cache_size = 5")
        try connection.execute("UPDATE events SET email = \("jane.doe+1@example.com") WHERE id % 7 = 0")
        var scanned = 0
        for name in try files() {
            let bytes = try directory.contents(name)
            scanned += bytes.count
            for marker in ["jane.doe", "@example.com", "cmp-2025-spring", "purchase", "events_subject", "CREATE TABLE"]
            {
                #expect(!Self.contains(bytes, marker), "\(marker) in \(name)")
            }
        }
        try connection.execute("ROLLBACK")
        #expect(scanned > 100_000)
        #expect(try EncryptedStore.fingerprint(connection).hasPrefix("2000 "))
    }

    /// A GROUP BY far larger than the page cache, so a sorter with temporary files spills.
    private static let largeGroupBy: SQL = """
        SELECT (id % 5000) || ' ' || ts || ' ' || email AS k, count(*), sum(amount_cents) FROM events
        GROUP BY k ORDER BY k DESC
        """

    /// The temporary files this process has open in the test's directory, where an
    /// encrypted connection creates them (beside its database): unlinked as soon as they
    /// are open, so they are reached through /proc/self/fd ("etilqs_" is SQLite's prefix).
    /// Other tests running meanwhile keep theirs in their own directories.
    private func openTemporaryFiles() throws -> [String] {
        let prefix = directory.url.path + "/etilqs_"
        return try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap { fd in
            let link = "/proc/self/fd/" + fd
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link),
                target.hasPrefix(prefix)
            else { return nil }
            return link
        }
    }

    /// Runs `largeGroupBy`, calling `midway` after the first row (the sort is done and its
    /// spill files are still open), and returns the rows as text.
    private static func largeGroupBy(_ connection: Connection, midway: () throws -> Void = {}) throws -> [String] {
        var rows: [String] = []
        try connection.scanRows(largeGroupBy) { row in
            if rows.isEmpty { try midway() }
            rows.append(
                "\(try row.get(String.self, at: 0)) \(try row.get(Int.self, at: 1)) \(try row.get(Int.self, at: 2))"
            )
        }
        return rows
    }

    @Test func largeSortsStayInMemoryByDefault() throws {
        let connection = try Connection(path: directory.path("sort.db"), configuration: EncryptedStore.configuration())
        #expect(try connection.scalar(Int.self, "PRAGMA temp_store") == 2)  // MEMORY
        try connection.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection, count: 20_000)
        try connection.execute("PRAGMA cache_size = 10")  // far smaller than the sort
        var spills: [String] = ["not looked"]
        let rows = try Self.largeGroupBy(connection) { spills = try openTemporaryFiles() }
        #expect(rows.count == 20_000)  // (id % 5000, email) tells every id apart
        #expect(spills.isEmpty)
        try connection.execute("CREATE INDEX events_email ON events(email, campaign, ts)")
        try connection.execute("VACUUM")
        #expect(try files() == ["sort.db", "sort.db-shm", "sort.db-wal"])
        #expect(try #require(connection.pageCipherActivity).temporaryFilesOpened == 0)
    }

    @Test func sortsSpillToSealedTemporaryFilesWhenAskedTo() throws {
        var configuration = EncryptedStore.configuration()
        configuration.tempStoreMemory = false
        let connection = try Connection(path: directory.path("spill.db"), configuration: configuration)
        #expect(try connection.scalar(Int.self, "PRAGMA temp_store") == 1)  // FILE
        try connection.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection, count: 20_000)
        let inMemory = try Self.largeGroupBy(connection)  // the page cache is large: no spill

        try connection.execute("PRAGMA cache_size = 10")
        var spilled: [[UInt8]] = []
        var listed: [String] = []
        let spilling = try Self.largeGroupBy(connection) {
            spilled = try openTemporaryFiles().map { Array(try Data(contentsOf: URL(fileURLWithPath: $0))) }
            listed = try files()
        }
        #expect(spilling == inMemory)
        #expect(!spilled.isEmpty)  // open beside the database...
        #expect(listed == ["spill.db", "spill.db-shm", "spill.db-wal"])  // ...and already unlinked
        #expect(try #require(connection.pageCipherActivity).temporaryFilesOpened >= UInt64(spilled.count))
        #expect(spilled.reduce(0) { $0 + $1.count } > 100_000)
        for bytes in spilled {
            for marker in ["jane.doe", "@example.com", "cmp-2025-spring", "2025-01-"] {
                #expect(!Self.contains(bytes, marker), "\(marker) in a temporary file")
            }
        }
        let activity = try #require(connection.pageCipherActivity)
        #expect(activity.pagesSealed > 25)  // the spill's blocks, sealed as well as read back

        // A temporary table and VACUUM (which builds the copy in a temporary database).
        try connection.execute("CREATE TEMP TABLE copied AS SELECT * FROM events ORDER BY email, id")
        #expect(
            try connection.firstRow("SELECT count(*), sum(amount_cents), max(email) FROM copied WHERE id % 97 = 5")
                == connection.firstRow("SELECT count(*), sum(amount_cents), max(email) FROM events WHERE id % 97 = 5")
        )
        try connection.execute("DROP TABLE copied")
        try connection.execute("VACUUM")
        #expect(try Self.largeGroupBy(connection) == inMemory)
        #expect(try files() == ["spill.db", "spill.db-shm", "spill.db-wal"])
    }

    @Test func aStatementRolledBackThroughASealedJournalLeavesTheRowsAsTheyWere() throws {
        // Inside a transaction, an UPDATE that rewrites every page before its last row
        // breaks NOT NULL: SQLite undoes just that statement from its statement journal,
        // which spills to a temporary file past 64 KiB (in memory, it never does).
        func run(tempStoreMemory: Bool) throws -> UInt64 {
            var configuration = EncryptedStore.configuration()
            configuration.tempStoreMemory = tempStoreMemory
            let name = tempStoreMemory ? "statement-memory.db" : "statement-file.db"
            let connection = try Connection(path: directory.path(name), configuration: configuration)
            try connection.execute(script: EncryptedStore.schema)
            try EncryptedStore.insertEvents(connection, count: 20_000)
            let before = try EncryptedStore.fingerprint(connection)
            let sealedBefore = try #require(connection.pageCipherActivity).pagesSealed
            try connection.execute("BEGIN IMMEDIATE")
            try connection.execute("UPDATE events SET amount_cents = amount_cents + 1 WHERE id <= 100")
            let error = try #require(throws: StoreError.self) {
                try connection.execute(
                    "UPDATE events SET email = email || 'x', amount_cents = CASE WHEN id = 19999 THEN NULL ELSE amount_cents END"
                )
            }
            #expect(error.code == .constraint)
            try connection.execute("UPDATE events SET amount_cents = amount_cents - 1 WHERE id <= 100")
            try connection.execute("COMMIT")
            #expect(try EncryptedStore.fingerprint(connection) == before)
            return try #require(connection.pageCipherActivity).pagesSealed - sealedBefore
        }
        let inMemory = try run(tempStoreMemory: true)
        let inFiles = try run(tempStoreMemory: false)
        #expect(inFiles > inMemory + 500)  // the journal's sealed blocks (about 1,300)
    }

    @Test func aTemporaryFileChangedOnDiskFailsTheQuery() throws {
        var configuration = EncryptedStore.configuration()
        configuration.tempStoreMemory = false
        let connection = try Connection(path: directory.path("tamper.db"), configuration: configuration)
        try connection.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection, count: 20_000)
        try connection.execute("PRAGMA cache_size = 10")
        var changed = 0
        let error = try #require(throws: StoreError.self) {
            _ = try Self.largeGroupBy(connection) {
                // One byte in every block of every spill file, behind SQLite's back.
                for link in try openTemporaryFiles() {
                    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: link))
                    defer { try? handle.close() }
                    let size = try handle.seekToEnd()
                    for offset in stride(from: UInt64(100), to: size, by: 4096) {
                        try handle.seek(toOffset: offset)
                        let byte = try handle.read(upToCount: 1) ?? Data([0])
                        try handle.seek(toOffset: offset)
                        try handle.write(contentsOf: Data([byte[byte.startIndex] ^ 0x01]))
                        changed += 1
                    }
                }
            }
        }
        #expect(changed > 25)
        #expect(error.code == .ioError)
        #expect(error.message.contains("of the temporary file \(directory.url.path)/etilqs_"), "\(error.message)")
        #expect(error.message.contains("modified on disk"), "\(error.message)")
    }

    @Test func reencryptionMovesTheStoreToTheNewKey() throws {
        let path = directory.path("rotate.db")
        let expected: String
        do {
            let connection = try Connection(path: path, configuration: EncryptedStore.configuration())
            try connection.execute(script: EncryptedStore.schema)
            try EncryptedStore.insertEvents(connection, count: 800)
            try connection.execute("DELETE FROM events WHERE id % 4 = 0")
            expected = try EncryptedStore.fingerprint(connection)
        }
        // A copy left over by an interrupted rotation is discarded.
        try Data("partial".utf8).write(to: directory.url.appendingPathComponent("rotate.db.rekey"))
        try PageEncryption.reencryptStore(at: path, from: .testA, to: .testB)
        #expect(try files() == ["rotate.db"])
        #expect(!StoreVerifier.opens(path: path, with: .testA))
        let connection = try Connection(path: path, configuration: EncryptedStore.configuration(.testB))
        #expect(try EncryptedStore.readEverything(connection) == "ok \(expected)")
        #expect(try connection.scalar(String.self, "PRAGMA journal_mode") == "wal")
        #expect(try StoreVerifier.verify(path: path, encryption: .testB).isIntact)
    }

    /// A store bigger than the rotation's page cache: `VACUUM INTO` spills pages of the new
    /// copy before it writes page 1 (this failed with SQLITE_IOERR_WRITE on a 55 MB store).
    @Test func reencryptionOfAStoreLargerThanThePageCache() throws {
        let path = directory.path("large.db")
        let expected: String
        do {
            let connection = try Connection(path: path, configuration: EncryptedStore.configuration())
            try connection.execute(script: EncryptedStore.schema)
            try EncryptedStore.insertEvents(connection, count: 30_000)  // ≈ 4 MB, twice the 2 MiB default cache
            expected = try EncryptedStore.fingerprint(connection)
        }
        try PageEncryption.reencryptStore(at: path, from: .testA, to: .testB)
        let connection = try Connection(path: path, configuration: EncryptedStore.configuration(.testB))
        #expect(try EncryptedStore.readEverything(connection) == "ok \(expected)")
        #expect(try StoreVerifier.verify(path: path, encryption: .testB).isIntact)
    }

    /// In rollback-journal mode a first transaction larger than the cache writes page N
    /// to the new file before page 1; the VFS takes the page size from the write.
    @Test func aFirstTransactionLargerThanTheCacheSpillsBeforePageOne() throws {
        let path = directory.path("spill.db")
        var configuration = EncryptedStore.configuration(journalMode: .delete)
        configuration.cacheSizeKiB = 100
        let expected: String
        do {
            let connection = try Connection(path: path, configuration: configuration)
            try connection.inTransaction { connection in
                try connection.execute(script: EncryptedStore.schema)
                try EncryptedStore.insertEvents(connection, count: 5_000)
            }
            expected = try EncryptedStore.fingerprint(connection)
        }
        let connection = try Connection(path: path, configuration: configuration)
        #expect(try EncryptedStore.readEverything(connection) == "ok \(expected)")
        #expect(try StoreVerifier.verify(path: path, encryption: .testA).isIntact)
    }
}
