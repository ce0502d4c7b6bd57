import CordonStore
import CordonTestSupport
import Foundation
import Synchronization
import Testing

/// A read runs in one snapshot beside the writer; neither waits for the other. Every
/// pool here is encrypted, so readers go through the page cipher as the writer does.
/// Waits carry a generous limit only so that a broken pool fails instead of hanging;
/// nothing asserts how long anything takes.
@Suite struct DatabasePoolTests {
    let directory: TemporaryDirectory
    let pool: DatabasePool

    init() throws {
        directory = try TemporaryDirectory()
        pool = try Self.makePool(at: directory.path("pool.db"))
    }

    static func makePool(at path: String, readers: Int = 2) throws -> DatabasePool {
        var migrator = Migrator()
        migrator.register(version: 1, name: "events") { connection in
            try connection.execute(script: EncryptedStore.schema)
        }
        var configuration = EncryptedStore.configuration()
        configuration.maximumReaderCount = readers
        return try DatabasePool(path: path, configuration: configuration, migrator: migrator)
    }

    private static func count(_ connection: Connection) throws -> Int {
        try connection.scalar(Int.self, "SELECT count(*) FROM events") ?? -1
    }

    @Test func aReadSeesOneSnapshotWhileTheWriterCommits() throws {
        let pool = pool
        try pool.write { try EncryptedStore.insertEvents($0, count: 100) }
        let readStarted = DispatchSemaphore(value: 0)
        let written = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let seen = Mutex<[Int]>([])
        Thread {
            _ = try? pool.read { db in
                seen.withLock { $0.append((try? Self.count(db)) ?? -1) }
                readStarted.signal()
                _ = written.wait(timeout: .now() + 30)
                seen.withLock { $0.append((try? Self.count(db)) ?? -1) }
            }
            finished.signal()
        }.start()
        #expect(readStarted.wait(timeout: .now() + 30) == .success)
        // Commits while the read is open: a writer never waits for readers.
        try pool.write { try EncryptedStore.insertEvents($0, count: 50, firstID: 101) }
        written.signal()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(seen.withLock { $0 } == [100, 100])
        #expect(try pool.read { try Self.count($0) } == 150)
    }

    @Test func aGroupByInProgressOnAReaderDoesNotBlockAWrite() throws {
        let pool = pool
        try pool.write { try EncryptedStore.insertEvents($0, count: 500) }
        let inQuery = DispatchSemaphore(value: 0)
        let written = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let groups = Counter()
        Thread {
            _ = try? pool.read { db in
                // Stopped on its first group, mid-statement, until the write has committed.
                try db.forEachRow("SELECT subject_id, count(*), sum(amount_cents) FROM events GROUP BY subject_id") {
                    _ in
                    if groups.value == 0 {
                        inQuery.signal()
                        _ = written.wait(timeout: .now() + 30)
                    }
                    groups.increment()
                }
            }
            finished.signal()
        }.start()
        #expect(inQuery.wait(timeout: .now() + 30) == .success)
        try pool.write { try EncryptedStore.insertEvents($0, count: 10, firstID: 501) }
        written.signal()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(groups.value == 97)
        #expect(try pool.read { try Self.count($0) } == 510)
    }

    @Test func aReaderCannotWrite() throws {
        let error = try #require(throws: StoreError.self) {
            try pool.read { try $0.execute("DELETE FROM events") }
        }
        #expect(error.code == .readOnly)
    }

    @Test func readsRunConcurrentlyUpToTheReaderCount() throws {
        let pool = pool
        try pool.write { try EncryptedStore.insertEvents($0, count: 20) }
        // Both readers hold their snapshot until the other has started: with one reader
        // (or reads serialized) this would never finish.
        let arrived = DispatchSemaphore(value: 0)
        let bothIn = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<2 {
            Thread {
                _ = try? pool.read { db in
                    _ = try Self.count(db)
                    arrived.signal()
                    _ = bothIn.wait(timeout: .now() + 30)
                }
                finished.signal()
            }.start()
        }
        #expect(arrived.wait(timeout: .now() + 30) == .success)
        #expect(arrived.wait(timeout: .now() + 30) == .success)
        bothIn.signal()
        bothIn.signal()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(finished.wait(timeout: .now() + 30) == .success)
    }

    /// A write path's look-ups go to the writer: they finish while every reader is held
    /// by a long read (with them on readers, this would wait for those reads to end).
    @Test func aReadFromTheWriterDoesNotWaitForBusyReaders() throws {
        let pool = pool
        try pool.write { try EncryptedStore.insertEvents($0, count: 30) }
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<pool.maximumReaderCount {
            Thread {
                _ = try? pool.read { db in
                    _ = try Self.count(db)
                    holding.signal()
                    _ = release.wait(timeout: .now() + 30)
                }
                finished.signal()
            }.start()
        }
        for _ in 0..<pool.maximumReaderCount { #expect(holding.wait(timeout: .now() + 30) == .success) }
        let looked = DispatchSemaphore(value: 0)
        let seen = Mutex<Int?>(nil)
        Thread {
            let count = try? pool.readFromWriter { try Self.count($0) }
            seen.withLock { $0 = count }
            looked.signal()
        }.start()
        #expect(looked.wait(timeout: .now() + 30) == .success)
        #expect(seen.withLock { $0 } == 30)
        for _ in 0..<pool.maximumReaderCount { release.signal() }
        for _ in 0..<pool.maximumReaderCount { #expect(finished.wait(timeout: .now() + 30) == .success) }
        let error = try #require(throws: StoreError.self) {
            try pool.readFromWriter { try $0.execute("DELETE FROM events") }
        }
        #expect(error.code == .readOnly)
    }

    @Test func interruptingReadersStopsAQueryAndLeavesTheWriter() throws {
        let pool = pool
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<StoreError.Code?>(nil)
        Thread {
            do {
                _ = try pool.read { db in
                    try db.scalar(
                        Int.self,
                        """
                        WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 10000000000)
                        SELECT count(*) FROM c
                        """
                    )
                }
            } catch let error as StoreError {
                outcome.withLock { $0 = error.code }
            } catch {}
            finished.signal()
        }.start()
        // The query may not have started yet, and an interrupt with nothing running is a
        // no-op, so keep interrupting until it ends.
        var attempts = 0
        while finished.wait(timeout: .now() + .milliseconds(20)) == .timedOut, attempts < 500 {
            pool.interruptReaders()
            attempts += 1
        }
        #expect(outcome.withLock { $0 } == .interrupt)
        try pool.write { try EncryptedStore.insertEvents($0, count: 1) }
        #expect(try pool.read { try Self.count($0) } == 1)
    }

    @Test func closeWaitsForReadsInProgressThenRefusesEverything() throws {
        let pool = pool
        try pool.write { try EncryptedStore.insertEvents($0, count: 10) }
        let events = Mutex<[String]>([])
        let reading = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            _ = try? pool.read { db in
                reading.signal()
                _ = release.wait(timeout: .now() + 30)
                events.withLock { $0.append("read \(try! Self.count(db))") }
            }
            finished.signal()
        }.start()
        #expect(reading.wait(timeout: .now() + 30) == .success)
        Thread {
            pool.close()
            events.withLock { $0.append("closed") }
            finished.signal()
        }.start()
        // Once close has begun, new reads are refused; the one in progress goes on.
        var refused: StoreError?
        for _ in 0..<10_000 where refused == nil {
            do { _ = try pool.read { _ in 0 } } catch let error as StoreError { refused = error } catch {}
        }
        #expect(refused?.code == .closed)
        release.signal()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(events.withLock { $0 } == ["read 10", "closed"])
        #expect(throws: StoreError.self) { try pool.write { try Self.count($0) } }
        pool.close()  // idempotent
    }

    @Test func theFileCanBeReEncryptedOnceThePoolIsClosed() throws {
        let path = directory.path("rekey.db")
        let before = try Self.makePool(at: path)
        try before.write { try EncryptedStore.insertEvents($0, count: 300) }
        let expected = try before.read { try EncryptedStore.readEverything($0) }
        before.close()
        try PageEncryption.reencryptStore(at: path, from: .testA, to: .testB)
        var configuration = EncryptedStore.configuration(.testB)
        configuration.maximumReaderCount = 2
        let after = try DatabasePool(path: path, configuration: configuration)
        #expect(try after.read { try EncryptedStore.readEverything($0) } == expected)
        #expect(try after.write { try EncryptedStore.readEverything($0) } == expected)
    }

    /// A reader has no memo of the writer's pages: every page it takes from the WAL or the
    /// file is authenticated, and a modified one fails with the writer's error.
    @Test func aReaderRefusesATamperedWALFrameAsTheWriterDoes() throws {
        let path = directory.path("wal-tamper.db")
        let pool = try Self.makePool(at: path)
        try pool.write { try EncryptedStore.insertEvents($0, count: 600) }
        let frameBytes = 4096 + 24
        let frames = (try directory.contents("wal-tamper.db-wal").count - 32) / frameBytes
        #expect(frames > 10)
        // The last frame holds the newest version of its page, so reading it is unavoidable.
        try flipByte(at: UInt64(32 + (frames - 1) * frameBytes + 24 + 700), of: path + "-wal")
        let read = try #require(throws: StoreError.self) { try pool.read { try EncryptedStore.readEverything($0) } }
        #expect(read.isAuthenticationFailure)
        let written = try #require(throws: StoreError.self) {
            try pool.write { db in
                try db.execute("PRAGMA shrink_memory")  // drop the cached pages: read from the WAL
                return try EncryptedStore.readEverything(db)
            }
        }
        #expect(written.isAuthenticationFailure)
        #expect(read.message == written.message)
    }

    @Test func aReaderRefusesATamperedPageAsTheWriterDoes() throws {
        let path = directory.path("page-tamper.db")
        let first = try Self.makePool(at: path)
        try first.write { try EncryptedStore.insertEvents($0, count: 600) }
        let leaf = try #require(
            try first.read {
                try $0.scalar(Int.self, "SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf' LIMIT 1")
            }
        )
        first.close()  // the last connection checkpoints: every page is in the file
        try flipByte(at: UInt64(4096 * (leaf - 1) + 1000), of: path)
        let pool = try Self.makePool(at: path)
        let read = try #require(throws: StoreError.self) { try pool.read { try EncryptedStore.fingerprint($0) } }
        let written = try #require(throws: StoreError.self) { try pool.write { try EncryptedStore.fingerprint($0) } }
        #expect(read.extendedCode == ioErrorData)
        #expect(
            read.message
                == "page \(leaf) of \(path) failed authentication: it was modified, moved, or sealed under another key"
        )
        #expect(written.message == read.message)
    }

    private func flipByte(at offset: UInt64, of path: String) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: [byte ^ 0x01])
    }
}
