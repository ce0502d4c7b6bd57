import CordonStore
import CordonTestSupport
import Foundation
import Testing

/// SQLITE_IOERR_DATA, the extended code of a page that fails authentication.
let ioErrorData: Int32 = 10 | (32 << 8)

/// A modified byte anywhere is detected; nothing ever returns altered rows.
@Suite struct EncryptedStoreTamperTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    private func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: directory.url.appendingPathComponent(name))
    }

    private func remove(_ name: String) {
        try? FileManager.default.removeItem(at: directory.url.appendingPathComponent(name))
    }

    /// A checkpointed store of a few dozen pages, with no free pages, so every page is
    /// read by an integrity check.
    private func makeCheckpointedStore(_ name: String) throws -> (bytes: [UInt8], expected: String) {
        let connection = try Connection(path: directory.path(name), configuration: EncryptedStore.configuration())
        try connection.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection, count: 600)
        try connection.checkpoint(.truncate)
        return (try directory.contents(name), try EncryptedStore.readEverything(connection))
    }

    @Test func everyByteFlipInTheDatabaseIsDetected() throws {
        let (pristine, expected) = try makeCheckpointedStore("source.db")
        #expect(expected.hasPrefix("ok "))
        var random = SeededGenerator(seed: 0xC0DE)
        for _ in 0..<120 {
            let offset = Int.random(in: 0..<pristine.count, using: &random)
            var tampered = pristine
            tampered[offset] ^= UInt8.random(in: 1...255, using: &random)
            remove("flip.db-wal")
            remove("flip.db-shm")
            try write("flip.db", tampered)
            let page = offset / 4096 + 1

            let report = try? StoreVerifier.verify(path: directory.path("flip.db"), encryption: .testA)
            #expect(report == nil || report?.badPages == [page], "flip at \(offset)")
            do {
                let connection = try Connection(
                    path: directory.path("flip.db"),
                    configuration: EncryptedStore.configuration()
                )
                // The integrity check reports a page it cannot read in its text; rows
                // that do come back must be the original ones.
                let check = try connection.scalar(String.self, "PRAGMA integrity_check") ?? ""
                #expect(check.contains("error code=\(ioErrorData)"), "flip at \(offset) (page \(page))")
                #expect("ok \(try EncryptedStore.fingerprint(connection))" == expected)
            } catch let error as StoreError {
                #expect([.ioError, .notADatabase, .corrupt].contains(error.code), "\(error)")
            }
        }
    }

    @Test func aFailedPageNamesTheFileAndThePage() throws {
        let (pristine, _) = try makeCheckpointedStore("source.db")
        let source = try Connection(path: directory.path("source.db"), configuration: EncryptedStore.configuration())
        let leaf = try #require(
            try source.scalar(
                Int.self,
                "SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf' LIMIT 1"
            )
        )
        var tampered = pristine
        tampered[4096 * (leaf - 1) + 1000] ^= 0x01
        try write("named.db", tampered)
        let path = directory.path("named.db")
        let connection = try Connection(path: path, configuration: EncryptedStore.configuration())
        let error = try #require(throws: StoreError.self) { try EncryptedStore.fingerprint(connection) }
        #expect(error.code == .ioError)
        #expect(error.extendedCode == ioErrorData)
        #expect(
            error.message
                == "page \(leaf) of \(path) failed authentication: it was modified, moved, or sealed under another key"
        )
    }

    @Test func swappedPagesAreDetected() throws {
        let (pristine, _) = try makeCheckpointedStore("source.db")
        var swapped = pristine
        let page = 4096
        swapped.replaceSubrange(3 * page..<4 * page, with: pristine[4 * page..<5 * page])
        swapped.replaceSubrange(4 * page..<5 * page, with: pristine[3 * page..<4 * page])
        try write("swapped.db", swapped)
        let report = try StoreVerifier.verify(path: directory.path("swapped.db"), encryption: .testA)
        #expect(report.badPages == [4, 5])
        let connection = try Connection(
            path: directory.path("swapped.db"),
            configuration: EncryptedStore.configuration()
        )
        #expect(try connection.scalar(String.self, "PRAGMA integrity_check") != "ok")
    }

    @Test func aPageCopiedFromAnotherStoreUnderTheSameKeyIsDetected() throws {
        let (first, _) = try makeCheckpointedStore("first.db")
        let (second, _) = try makeCheckpointedStore("second.db")
        var mixed = first
        mixed.replaceSubrange(4096 * 3..<4096 * 4, with: second[4096 * 3..<4096 * 4])
        try write("mixed.db", mixed)
        let report = try StoreVerifier.verify(path: directory.path("mixed.db"), encryption: .testA)
        #expect(report.badPages == [4])
    }

    /// Copies of the files of a store whose last `commits` transactions are still in the
    /// WAL, with the table's fingerprint after each commit (index 0: before them).
    private func makeStoreWithWAL(commits: Int) throws -> (database: [UInt8], wal: [UInt8], states: [String]) {
        let connection = try Connection(
            path: directory.path("walsource.db"),
            configuration: EncryptedStore.configuration()
        )
        try connection.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection, count: 100)
        try connection.checkpoint(.truncate)
        try connection.execute("PRAGMA wal_autocheckpoint = 0")
        var states = [try EncryptedStore.fingerprint(connection)]
        for commit in 0..<commits {
            try connection.inTransaction { connection in
                try EncryptedStore.insertEvents(connection, count: 40, firstID: 1000 + commit * 40)
                try connection.execute("UPDATE events SET amount_cents = amount_cents + 1 WHERE id = \(commit + 1)")
            }
            states.append(try EncryptedStore.fingerprint(connection))
        }
        return (try directory.contents("walsource.db"), try directory.contents("walsource.db-wal"), states)
    }

    @Test func everyByteFlipInTheWALFailsOrRollsBackToAnEarlierCommit() throws {
        let (database, wal, states) = try makeStoreWithWAL(commits: 6)
        var random = SeededGenerator(seed: 0xFEED)
        var rolledBack = 0
        for _ in 0..<120 {
            let offset = Int.random(in: 0..<wal.count, using: &random)
            var tampered = wal
            tampered[offset] ^= UInt8.random(in: 1...255, using: &random)
            remove("walflip.db-shm")
            try write("walflip.db", database)
            try write("walflip.db-wal", tampered)
            do {
                let connection = try Connection(
                    path: directory.path("walflip.db"),
                    configuration: EncryptedStore.configuration()
                )
                let result = try EncryptedStore.readEverything(connection)
                // Recovery ends the log at the first frame that does not authenticate
                // (a torn tail looks the same): an earlier commit, never altered rows.
                #expect(states.map { "ok \($0)" }.contains(result), "flip at WAL offset \(offset)")
                if result != "ok \(states.last!)" { rolledBack += 1 }
            } catch let error as StoreError {
                #expect([.ioError, .corrupt].contains(error.code), "\(error)")
            }
        }
        #expect(rolledBack > 100)
    }

    @Test func theVerifierNamesATamperedWALFrame() throws {
        let (database, wal, _) = try makeStoreWithWAL(commits: 3)
        var tampered = wal
        let frame = 4096 + 24
        tampered[32 + frame * 2 + 24 + 500] ^= 0x80  // the page of frame 3
        try write("walreport.db", database)
        try write("walreport.db-wal", tampered)
        let report = try StoreVerifier.verify(path: directory.path("walreport.db"), encryption: .testA)
        #expect(report.badPages.isEmpty)
        #expect(report.badWALFrames.map(\.frame) == [3])
        #expect(report.description.contains("WAL frames failing authentication: 3 (page"))
    }

    /// The connection that wrote a WAL frame remembers its plaintext to spare decrypting it
    /// again (a checkpoint, an evicted page); a frame changed on disk behind its back is
    /// still opened and refused, by reads and by the checkpoint.
    @Test func aFrameTamperedUnderTheWritingConnectionIsStillRefused() throws {
        let path = directory.path("memo.db")
        let connection = try Connection(path: path, configuration: EncryptedStore.configuration())
        try connection.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection, count: 600)
        let wal = try directory.contents("memo.db-wal")
        let frameBytes = 4096 + 24
        let frames = (wal.count - 32) / frameBytes
        #expect(frames > 10)
        // The last frame holds the newest version of its page, so reading it is unavoidable.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path + "-wal"))
        let offset = UInt64(32 + (frames - 1) * frameBytes + 24 + 700)
        try handle.seek(toOffset: offset)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: [byte ^ 0x01])
        try handle.close()
        try connection.execute("PRAGMA shrink_memory")  // drop the cached pages: the next read goes to the WAL
        let read = try #require(throws: StoreError.self) { _ = try EncryptedStore.readEverything(connection) }
        #expect(read.code == .ioError)
        let checkpoint = try #require(throws: StoreError.self) { try connection.checkpoint(.truncate) }
        #expect(checkpoint.code == .ioError)
    }
}

extension EncryptedStoreTamperTests {
    /// Found by the crash loop: a kill while SQLite appended a frame leaves it torn after
    /// the last commit. It is not part of the store (SQLite ignores and overwrites it), so
    /// it must not read as damage: the verifier says where the log ends.
    @Test func aTornFrameAfterTheLastCommitIsNotPartOfTheLog() throws {
        let (database, wal, _) = try makeStoreWithWAL(commits: 3)
        let frame = 4096 + 24
        let committed = (wal.count - 32) / frame
        // A frame being appended when the process died: its header written, its page half.
        var torn = Array(wal[(32 + frame * (committed - 1))..<(32 + frame * committed)])
        for index in (24 + 2048)..<torn.count { torn[index] = 0 }
        try write("torn.db", database)
        try write("torn.db-wal", wal + torn)
        let report = try StoreVerifier.verify(path: directory.path("torn.db"), encryption: .testA)
        #expect(report.logFrameCount == committed)
        #expect(report.badWALFrames.map(\.frame) == [committed + 1])
        #expect(report.badFramesOfTheLog.isEmpty)
        #expect(report.badPages.isEmpty)
    }
}
