import CordonStore
import Foundation
import Testing

/// What reaches the disk: no plaintext, no temporary files, and a re-encryption that
/// replaces the store whole.
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

    @Test func largeSortsAndGroupBysStayInMemory() throws {
        let path = directory.path("sort.db")
        var configuration = EncryptedStore.configuration()
        configuration.tempStoreMemory = false  // encryption keeps temp storage in memory anyway
        let connection = try Connection(path: path, configuration: configuration)
        #expect(try connection.scalar(Int.self, "PRAGMA temp_store") == 2)
        try connection.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection, count: 20_000)
        try connection.execute("PRAGMA cache_size = 10")  // far smaller than the sort
        let groups = try connection.query(
            """
            SELECT (id % 5000) || ' ' || ts || ' ' || email AS k, count(*), sum(amount_cents) FROM events
            GROUP BY k ORDER BY k DESC
            """
        )
        #expect(groups.count == 20_000)  // (id % 5000, email) tells every id apart
        try connection.execute("CREATE INDEX events_email ON events(email, campaign, ts)")
        try connection.execute("VACUUM")
        #expect(try files() == ["sort.db", "sort.db-shm", "sort.db-wal"])

        // Asked for temporary files anyway, the VFS refuses rather than write them in clear.
        try connection.execute("PRAGMA temp_store = FILE")
        let error = try #require(throws: StoreError.self) {
            _ = try connection.query("SELECT email, ts, campaign FROM events ORDER BY campaign, ts DESC, email")
        }
        #expect(error.code == .cantOpen)
        #expect(error.message.contains("temporary file"))
        #expect(try files() == ["sort.db", "sort.db-shm", "sort.db-wal"])
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
