import CordonStore
import CordonTestSupport
import Foundation
import Testing

@Suite struct EncryptedStoreTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    @Test func roundTripsThroughTheWALAndCheckpoints() throws {
        let path = directory.path("round.db")
        let expected: String
        do {
            let connection = try Connection(path: path, configuration: EncryptedStore.configuration())
            try connection.execute(script: EncryptedStore.schema)
            try EncryptedStore.insertEvents(connection, count: 500)
            try EncryptedStore.insertEvents(connection, count: 500, firstID: 501)
            expected = try EncryptedStore.fingerprint(connection)
            // A second connection reads the commits from the WAL.
            let reader = try Connection(path: path, configuration: EncryptedStore.configuration())
            #expect(try EncryptedStore.fingerprint(reader) == expected)
            #expect(try connection.scalar(Int.self, "PRAGMA page_size") == 4096)
            try connection.checkpoint(.passive)
            try EncryptedStore.insertEvents(connection, count: 10, firstID: 2000)
            try connection.execute("DELETE FROM events WHERE id >= \(2000)")
            try connection.checkpoint(.truncate)
            #expect(try EncryptedStore.fingerprint(reader) == expected)
        }
        let reopened = try Connection(path: path, configuration: EncryptedStore.configuration())
        #expect(try EncryptedStore.readEverything(reopened) == "ok \(expected)")
        let report = try StoreVerifier.verify(path: path, encryption: .testA)
        #expect(report.isIntact)
        #expect(report.pageCount > 10)
    }

    @Test func cipherActivityCountsSealsAndOpensAndACheckpointSealsNothing() throws {
        let path = directory.path("activity.db")
        let plain = try Connection(path: directory.path("plain.db"))
        #expect(plain.pageCipherActivity == nil)

        let writer = try Connection(path: path, configuration: EncryptedStore.configuration())
        try writer.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(writer, count: 500)
        let written = try #require(writer.pageCipherActivity)
        #expect(written.pagesSealed > 10)
        // The checkpoint copies the WAL's ciphertext into the database as it is.
        try writer.checkpoint(.truncate)
        #expect(writer.pageCipherActivity?.pagesSealed == written.pagesSealed)

        let reader = try Connection(path: path, configuration: EncryptedStore.configuration())
        let pages = try #require(try reader.scalar(Int.self, "PRAGMA page_count"))
        _ = try EncryptedStore.fingerprint(reader)
        let read = try #require(reader.pageCipherActivity)
        #expect(read.pagesSealed == 0)
        #expect(read.pagesOpened > 10 && read.pagesOpened <= UInt64(pages) + 1)  // page 1 twice: open and read
    }

    @Test(arguments: PageEncryption.Algorithm.allCases.filter(\.isAvailable))
    func theDetachedCodecSealsPagesThatOpenOnlyWhereTheyWereSealed(algorithm: PageEncryption.Algorithm) throws {
        let codec = try PageCodec(encryption: PageEncryption(key: TestPageKey(seed: 3), algorithm: algorithm))
        let body = codec.pageByteCount - Int(PageEncryption.reserveByteCount)
        let plain = (0..<codec.pageByteCount).map { $0 < body ? UInt8(truncatingIfNeeded: $0 * 7 + 1) : 0 }
        var sealed = [UInt8](repeating: 0, count: codec.pageByteCount)
        try codec.seal(plain, page: 2, into: &sealed)
        #expect(sealed[..<body] != plain[..<body])

        var opened = [UInt8](repeating: 0, count: codec.pageByteCount)
        try codec.open(sealed, page: 2, into: &opened)
        #expect(opened == plain)
        // The page number is associated data: the same bytes do not open as another page.
        #expect(throws: StoreError.self) { try codec.open(sealed, page: 3, into: &opened) }
        var tampered = sealed
        tampered[100] ^= 1
        #expect(throws: StoreError.self) { try codec.open(tampered, page: 2, into: &opened) }
        // Another codec is another database id (and here another key): nothing opens.
        let other = try PageCodec(encryption: PageEncryption(key: TestPageKey(seed: 4), algorithm: algorithm))
        #expect(throws: StoreError.self) { try other.open(sealed, page: 2, into: &opened) }
    }

    @Test func theDetachedCodecRefusesAPageWithoutRoomForNonceAndTag() throws {
        let codec = try PageCodec(encryption: PageEncryption(key: TestPageKey(seed: 3)))
        let plain = [UInt8](repeating: 1, count: codec.pageByteCount)
        var sealed = [UInt8](repeating: 0, count: codec.pageByteCount)
        #expect(throws: StoreError.self) { try codec.seal(plain, page: 2, into: &sealed) }
        #expect(throws: StoreError.self) {
            try PageCodec(encryption: PageEncryption(key: TestPageKey(seed: 3)), pageByteCount: 1000)
        }
    }

    @Test func rollbackJournalModeRoundTripsAndRollsBack() throws {
        let path = directory.path("journal.db")
        let connection = try Connection(
            path: path,
            configuration: EncryptedStore.configuration(journalMode: .delete)
        )
        try connection.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection, count: 300)
        let expected = try EncryptedStore.fingerprint(connection)
        // The rollback reads every changed page back from the encrypted journal.
        #expect(throws: StoreError.self) {
            try connection.inTransaction { connection in
                try connection.execute("UPDATE events SET email = \("changed@example.com")")
                try connection.execute("DELETE FROM events WHERE id % 2 = 0")
                try connection.execute("INSERT INTO nowhere VALUES (1)")
            }
        }
        #expect(try EncryptedStore.readEverything(connection) == "ok \(expected)")
        let reopened = try Connection(
            path: path,
            configuration: EncryptedStore.configuration(journalMode: .delete)
        )
        #expect(try EncryptedStore.fingerprint(reopened) == expected)
    }

    @Test func vacuumKeepsTheStoreEncrypted() throws {
        let path = directory.path("vacuum.db")
        let connection = try Connection(path: path, configuration: EncryptedStore.configuration())
        try connection.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection, count: 400)
        try connection.execute("DELETE FROM events WHERE id % 3 = 0")
        let expected = try EncryptedStore.fingerprint(connection)
        try connection.execute("VACUUM")
        try connection.checkpoint(.truncate)
        #expect(try EncryptedStore.readEverything(connection) == "ok \(expected)")
        #expect(try StoreVerifier.verify(path: path, encryption: .testA).isIntact)
    }

    @Test func wrongKeyFailsOnOpenWithOneSentenceAndChangesNothing() throws {
        let path = directory.path("keyed.db")
        let writer = try Connection(path: path, configuration: EncryptedStore.configuration())
        try writer.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection: writer)
        let expected = try EncryptedStore.fingerprint(writer)
        let before = try directory.contents("keyed.db") + directory.contents("keyed.db-wal")

        let error = try #require(throws: StoreError.self) {
            try Connection(path: path, configuration: EncryptedStore.configuration(.testB))
        }
        #expect(error.code == .notADatabase)
        #expect(error.message == "cannot open \(path): wrong page key or not a Cordon store")
        #expect(try directory.contents("keyed.db") + directory.contents("keyed.db-wal") == before)
        #expect(!StoreVerifier.opens(path: path, with: .testB))
        #expect(throws: StoreError.self) { try StoreVerifier.verify(path: path, encryption: .testB) }

        let reader = try Connection(path: path, configuration: EncryptedStore.configuration())
        #expect(try EncryptedStore.fingerprint(reader) == expected)
    }

    @Test func aPlainDatabaseIsNotACordonStoreAndTheStoreIsNotPlain() throws {
        let plainPath = directory.path("plain.db")
        let plain = try Connection(path: plainPath)
        try plain.execute(script: EncryptedStore.schema)
        let error = try #require(throws: StoreError.self) {
            try Connection(path: plainPath, configuration: EncryptedStore.configuration())
        }
        #expect(error.message == "cannot open \(plainPath): wrong page key or not a Cordon store")

        let path = directory.path("sealed.db")
        do {
            let sealed = try Connection(path: path, configuration: EncryptedStore.configuration())
            try sealed.execute(script: EncryptedStore.schema)
            try EncryptedStore.insertEvents(sealed, count: 10)
        }
        #expect(throws: StoreError.self) {
            let opened = try Connection(path: path)
            _ = try opened.scalar(Int.self, "SELECT count(*) FROM events")
        }
    }

    @Test func aStoreIsReadableFromManyThreads() throws {
        let path = directory.path("threads.db")
        var migrator = Migrator()
        migrator.register(version: 1, name: "events") { try $0.execute(script: EncryptedStore.schema) }
        let writer = try DatabaseQueue(path: path, configuration: EncryptedStore.configuration(), migrator: migrator)
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 6) { index in
            do {
                if index < 2 {
                    for batch in 0..<10 {
                        try writer.write {
                            try EncryptedStore.insertEvents($0, count: 20, firstID: 1 + index * 1000 + batch * 20)
                        }
                    }
                } else {
                    let reader = try DatabaseQueue(path: path, configuration: EncryptedStore.configuration())
                    for _ in 0..<20 { _ = try reader.read { try $0.scalar(Int.self, "SELECT count(*) FROM events") } }
                }
            } catch {
                failures.increment()
            }
        }
        #expect(failures.value == 0)
        #expect(try writer.read { try $0.scalar(Int.self, "SELECT count(*) FROM events") } == 400)
    }

    @Test func keyIsNeverPrinted() {
        #expect(PageEncryption.testA.description == "PageEncryption(xChaCha20Poly1305, key: <redacted>)")
    }
}

extension EncryptedStore {
    static func insertEvents(connection: Connection) throws {
        try insertEvents(connection, count: 200)
    }
}
