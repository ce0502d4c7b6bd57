import CordonStore
import CordonTestSupport
import Foundation
import Synchronization
import Testing

/// Every call kind × every failure, once and from then on, against a sealed store: SQLite
/// reports the code the unix VFS would, nothing half-done is visible, and once the disk
/// works again the store opens, every page authenticates and every committed row is there.
@Suite("Fault injection on a sealed store")
struct FaultInjectionTests {
    typealias Call = FaultInjection.Call
    typealias Failure = FaultInjection.Failure

    struct Case: Sendable, CustomTestStringConvertible {
        var call: Call
        var failure: Failure
        var repetition: FaultInjection.Repetition
        var testDescription: String { "\(failure) on \(call), \(repetition)" }

        /// What SQLite reports, as the unix VFS reports the same errno.
        var expectedCode: StoreError.Code {
            switch (call, failure) {
            case (.open, _): .cantOpen
            case (.write, .enospc), (.write, .shortWrite): .full
            default: .ioError
            }
        }
    }

    static let cases: [Case] = Call.allCases.flatMap { call in
        Failure.allCases.filter { FaultInjection.supports($0, on: call) }.flatMap { failure in
            FaultInjection.Repetition.allCases.map { Case(call: call, failure: failure, repetition: $0) }
        }
    }

    static let seededRows = 50
    static let batchRows = 200

    /// A sealed WAL store with `seededRows` committed rows, closed cleanly (no WAL left).
    static func seed(_ directory: TemporaryDirectory) throws -> String {
        let path = directory.path("faults.db")
        let connection = try Connection(path: path, configuration: EncryptedStore.configuration())
        try connection.execute(script: EncryptedStore.schema)
        try EncryptedStore.insertEvents(connection, count: seededRows)
        return path
    }

    /// Opens the store under the sealing VFS.
    static func open(_ path: String) throws -> Connection {
        try Connection(path: path, configuration: EncryptedStore.configuration())
    }

    /// After the fault: the store opens, reads whole, holds `seededRows` or (when the
    /// batch's commit reached the file before the error, see below) all rows, and once
    /// closed every page and WAL frame authenticates.
    static func expectIntact(_ path: String, allowing rows: Set<Int>, _ label: String) throws {
        do {
            let connection = try open(path)
            #expect(try connection.scalar(String.self, "PRAGMA integrity_check") == "ok", "\(label)")
            let count = try #require(try connection.scalar(Int.self, "SELECT count(*) FROM events"))
            #expect(rows.contains(count), "\(label): \(count) rows")
            let seeded = try connection.scalar(Int.self, "SELECT count(*) FROM events WHERE id <= \(seededRows)")
            #expect(seeded == seededRows, "\(label): a committed row is missing")
        }
        let report = try StoreVerifier.verify(path: path, encryption: .testA)
        #expect(report.isIntact, "\(label): \(report)")
    }

    @Test(arguments: cases)
    func aFaultFailsTheOperationAndLeavesTheStoreWhole(_ fault: Case) throws {
        let directory = try TemporaryDirectory()
        let path = try Self.seed(directory)
        let full = Self.seededRows + Self.batchRows
        var allowed: Set<Int> = [Self.seededRows]
        var error: StoreError?
        do {
            var rule: FaultInjection.Rule?
            func arm() { rule = FaultInjection.arm(fault.call, fault.failure, fault.repetition, under: directory.url) }
            switch fault.call {
            case .open, .lock:
                // Opening reads the header under a shared lock, which a WAL connection
                // then keeps: both happen once per connection, so the fault meets the open.
                arm()
                error = Self.capture { _ = try Self.open(path) }
            case .truncate:
                // A committed batch, then a checkpoint that truncates the WAL.
                let connection = try Self.open(path)
                try EncryptedStore.insertEvents(connection, count: Self.batchRows, firstID: 1000)
                allowed = [full]
                arm()
                error = Self.capture { try connection.checkpoint(.truncate) }
            case .read, .write, .sync:
                let connection = try Self.open(path)
                arm()
                error = Self.capture {
                    try EncryptedStore.insertEvents(connection, count: Self.batchRows, firstID: 1000)
                }
                #expect(!connection.isInTransaction, "the failed transaction is still open")
                if fault.repetition == .once {
                    // Rolled back: this connection sees the seeded rows only.
                    #expect(try connection.scalar(Int.self, "SELECT count(*) FROM events") == Self.seededRows)
                }
                if fault.call == .sync {
                    // All or nothing, but which is unknown after a failed fsync:
                    // see `aCommitWhoseFsyncFailedMayBeFoundCommittedOnReopen`.
                    allowed.insert(full)
                }
            }
            #expect(rule?.failedCalls ?? 0 >= 1, "\(fault.testDescription): no call failed")
            rule?.disarm()
        }
        let thrown = try #require(error, "\(fault.testDescription): the operation did not fail")
        #expect(thrown.code == fault.expectedCode, "\(fault.testDescription): \(thrown)")
        try Self.expectIntact(path, allowing: allowed, fault.testDescription)
    }

    /// A COMMIT that fails with `SQLITE_IOERR_FSYNC` has written its frames, commit frame
    /// included, to the WAL (where the kernel may well keep them). The connection treats the
    /// batch as rolled back, but if its closing checkpoint cannot sync either, the WAL
    /// survives and the next open's recovery finds the batch committed. So a failed COMMIT
    /// does not prove the write did not happen: whoever records the outcome (the audit
    /// trail's `aborted`) must allow for either.
    @Test func aCommitWhoseFsyncFailedMayBeFoundCommittedOnReopen() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.seed(directory)
        let rule: FaultInjection.Rule
        do {
            var connection: Connection? = try Self.open(path)
            // Frames in the WAL, so the closing checkpoint has pages to copy and sync.
            try EncryptedStore.insertEvents(connection!, count: 100, firstID: 500)
            rule = FaultInjection.arm(.sync, .eio, .persistent, under: directory.url)
            let error = Self.capture {
                try EncryptedStore.insertEvents(connection!, count: Self.batchRows, firstID: 1000)
            }
            #expect(error?.code == .ioError)
            #expect(try connection!.scalar(Int.self, "SELECT count(*) FROM events") == Self.seededRows + 100)
            connection = nil  // closes while fsync still fails
        }
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        rule.disarm()
        let reopened = try Self.open(path)
        #expect(try reopened.scalar(Int.self, "SELECT count(*) FROM events") == Self.seededRows + 100 + Self.batchRows)
        #expect(try reopened.scalar(String.self, "PRAGMA integrity_check") == "ok")
    }

    /// Counting first, then failing each counted call in turn: every write of a commit is
    /// a point where a full disk can stop it, and none leaves a partial batch behind.
    @Test(arguments: [Failure.enospc, .shortWrite])
    func everyWriteOfACommitCanFailAndNoneLeavesAPartialBatch(_ failure: Failure) throws {
        let template = try TemporaryDirectory()
        let seeded = try Self.seed(template)
        let writes: Int
        do {
            let connection = try Self.open(seeded)
            let counter = FaultInjection.count([.write], under: template.url)
            try EncryptedStore.insertEvents(connection, count: Self.batchRows, firstID: 1000)
            writes = counter.matchedCalls
        }
        #expect(writes > 3, "a \(Self.batchRows)-row commit should write a WAL header and several frames")
        // The seeded store again, before the batch, for each failure point.
        let pristine = try TemporaryDirectory()
        let base = try Self.seed(pristine)
        for skip in 0..<writes {
            let directory = try TemporaryDirectory()
            let path = directory.path("faults.db")
            try FileManager.default.copyItem(atPath: base, toPath: path)
            do {
                let connection = try Self.open(path)
                let rule = FaultInjection.arm(.write, failure, .once, under: directory.url, after: skip)
                let error = Self.capture {
                    try EncryptedStore.insertEvents(connection, count: Self.batchRows, firstID: 1000)
                }
                #expect(error?.code == .full, "write \(skip + 1) of \(writes): \(String(describing: error))")
                #expect(rule.failedCalls == 1)
            }
            try Self.expectIntact(path, allowing: [Self.seededRows], "write \(skip + 1) of \(writes)")
        }
    }

    @Test func aFaultArmedForOneDirectoryLeavesAnotherStoreAlone() throws {
        let failing = try TemporaryDirectory()
        let healthy = try TemporaryDirectory()
        // A sibling whose name starts with the failing directory's: matched by directory,
        // not by string prefix.
        let sibling = URL(fileURLWithPath: failing.url.path + "-sibling")
        try FileManager.default.createDirectory(at: sibling, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: sibling) }
        let paths = [try Self.seed(failing), try Self.seed(healthy), sibling.appendingPathComponent("faults.db").path]
        try FileManager.default.copyItem(atPath: paths[1], toPath: paths[2])
        let rule = FaultInjection.arm(.write, .eio, .persistent, under: failing.url)
        let outcomes = Mutex<[Int: StoreError.Code?]>([:])
        DispatchQueue.concurrentPerform(iterations: 3) { index in
            let error = Self.capture {
                let connection = try Self.open(paths[index])
                for batch in 0..<5 {
                    try EncryptedStore.insertEvents(connection, count: 40, firstID: 1000 + batch * 40)
                }
            }
            outcomes.withLock { $0[index] = .some(error?.code) }
        }
        let codes = outcomes.withLock { $0 }
        #expect(codes[0] == .some(.ioError), "\(codes)")
        #expect(codes[1] == .some(nil), "the other directory's store failed: \(codes)")
        #expect(codes[2] == .some(nil), "the sibling directory's store failed: \(codes)")
        #expect(rule.failedCalls >= 1)
        rule.disarm()
        for path in paths.dropFirst() {
            #expect(try Self.open(path).scalar(Int.self, "SELECT count(*) FROM events") == Self.seededRows + 200)
        }
    }

    @Test func aRuleCanBeLimitedToOneFileKind() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.seed(directory)
        let connection = try Self.open(path)
        let walWrites = FaultInjection.count([.write], under: directory.url, kinds: .wal)
        let databaseWrites = FaultInjection.count([.write], under: directory.url, kinds: .mainDatabase)
        try EncryptedStore.insertEvents(connection, count: Self.batchRows, firstID: 1000)
        #expect(walWrites.matchedCalls > 0)
        #expect(databaseWrites.matchedCalls == 0, "a WAL commit writes only the WAL")
        // A checkpoint copies the frames into the database file: fail that, not the WAL.
        let rule = FaultInjection.arm(.write, .eio, .persistent, under: directory.url, kinds: .mainDatabase)
        #expect(Self.capture { try connection.checkpoint(.truncate) }?.code == .ioError)
        #expect(rule.failedCalls >= 1)
        rule.disarm()
        try connection.checkpoint(.truncate)
        #expect(databaseWrites.matchedCalls > 0)
        #expect(try connection.scalar(Int.self, "SELECT count(*) FROM events") == Self.seededRows + Self.batchRows)
    }

    /// The ``StoreError`` `body` throws, or nil when it succeeds.
    static func capture(_ body: () throws -> Void) -> StoreError? {
        do {
            try body()
            return nil
        } catch let error as StoreError {
            return error
        } catch {
            Issue.record("not a StoreError: \(error)")
            return nil
        }
    }
}
