import Foundation
import Glibc
import Synchronization
import Testing

@testable import CordonAudit

/// System calls that fail on demand: running as root, permissions cannot make a write fail.
final class FaultyFileOperations: AuditFileOperations {
    /// When set, every `sync` fails with this errno; `write` fails with `writeErrno`.
    let syncErrno = Atomic<Int32>(0)
    let writeErrno = Atomic<Int32>(0)
    let syncs = Atomic<Int>(0)
    let syncDelayMicroseconds: UInt32

    init(syncDelayMicroseconds: UInt32 = 0) { self.syncDelayMicroseconds = syncDelayMicroseconds }

    func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> (Int, Int32) {
        let code = writeErrno.load(ordering: .relaxed)
        if code != 0 { return (-1, code) }
        return SystemFileOperations().write(descriptor, buffer)
    }

    func sync(_ descriptor: Int32) -> Int32 {
        syncs.add(1, ordering: .relaxed)
        if syncDelayMicroseconds > 0 { usleep(syncDelayMicroseconds) }
        let code = syncErrno.load(ordering: .relaxed)
        return code != 0 ? code : SystemFileOperations().sync(descriptor)
    }
}

@Suite("AuditLog fail-closed")
struct AuditFailClosedTests {
    static func open(_ directory: URL, _ operations: FaultyFileOperations) throws -> AuditLog {
        var configuration = TestSupport.configuration()
        configuration.fileOperations = operations
        return try TestSupport.open(directory, configuration)
    }

    @Test func aFailedFsyncThrowsAcknowledgesNothingAndRefusesLaterAppends() throws {
        let operations = FaultyFileOperations()
        let directory = TestSupport.temporaryDirectory()
        let log = try Self.open(directory, operations)
        _ = try log.appendBatch((0..<3).map { TestSupport.event($0) })
        operations.syncErrno.store(EIO, ordering: .relaxed)
        let error = TestSupport.expectError(.writeFailed) { _ = try log.append(TestSupport.event(3)) }
        #expect(error?.message.contains("segments/0000000000.ndjson") == true, "\(String(describing: error))")
        #expect(error?.message.contains("Input/output error") == true, "\(String(describing: error))")
        #expect(log.treeSize == 3)
        // Even once the disk "recovers", the log stays closed until reopened (fsyncgate).
        operations.syncErrno.store(0, ordering: .relaxed)
        TestSupport.expectError(.closed) { _ = try log.append(TestSupport.event(4)) }
        TestSupport.expectError(.closed) { _ = try log.appendBatch([TestSupport.event(5)]) }
        #expect(log.treeSize == 3)
        // Reopening re-reads the disk; the unacknowledged entry may or may not be there.
        let reopened = try TestSupport.open(directory)
        #expect(reopened.treeSize >= 3)
    }

    @Test func aFailedWriteReportsENOSPC() throws {
        let operations = FaultyFileOperations()
        let log = try Self.open(TestSupport.temporaryDirectory(), operations)
        operations.writeErrno.store(ENOSPC, ordering: .relaxed)
        let error = TestSupport.expectError(.writeFailed) { _ = try log.append(TestSupport.event(0)) }
        #expect(error?.message.contains("No space left on device") == true)
        #expect(log.treeSize == 0)
        TestSupport.expectError(.closed) { _ = try log.append(TestSupport.event(1)) }
    }

    @Test func anUncreatableSegmentFailsTheAppend() throws {
        let directory = TestSupport.temporaryDirectory()
        let log = try TestSupport.open(directory)
        // A directory where the first segment must go: open(O_CREAT|O_EXCL) fails for real.
        try FileManager.default.createDirectory(
            at: TestSupport.firstSegment(directory),
            withIntermediateDirectories: false
        )
        let error = TestSupport.expectError(.writeFailed) { _ = try log.append(TestSupport.event(0)) }
        #expect(error?.message.contains("cannot open audit segment segments/0000000000.ndjson: File exists") == true)
        TestSupport.expectError(.closed) { _ = try log.append(TestSupport.event(1)) }
    }

    @Test func aFailedCheckpointWriteAlsoStopsAppends() throws {
        let directory = TestSupport.temporaryDirectory()
        let log = try TestSupport.open(directory)
        _ = try log.appendBatch((0..<3).map { TestSupport.event($0) })
        try FileManager.default.createDirectory(
            at: directory.appending(path: "checkpoints/0000000003"),
            withIntermediateDirectories: false
        )
        TestSupport.expectError(.writeFailed) { _ = try log.checkpoint() }
        TestSupport.expectError(.closed) { _ = try log.append(TestSupport.event(3)) }
    }

    @Test func everyWaiterOfAFailedBatchIsFailed() throws {
        let operations = FaultyFileOperations(syncDelayMicroseconds: 2000)
        let log = try Self.open(TestSupport.temporaryDirectory(), operations)
        operations.syncErrno.store(EIO, ordering: .relaxed)
        let outcomes = Mutex<[AuditError.Code]>([])
        let group = DispatchGroup()
        for i in 0..<8 {
            group.enter()
            Thread.detachNewThread {
                do {
                    _ = try log.append(TestSupport.event(i))
                    outcomes.withLock { $0.append(AuditError.Code.tampered) }  // must not happen
                } catch let error as AuditError {
                    outcomes.withLock { $0.append(error.code) }
                } catch {
                    outcomes.withLock { $0.append(AuditError.Code.tampered) }
                }
                group.leave()
            }
        }
        group.wait()
        let codes = outcomes.withLock { $0 }
        #expect(codes.count == 8)
        #expect(codes.allSatisfy { $0 == .writeFailed || $0 == .closed }, "\(codes)")
        #expect(log.treeSize == 0)
    }
}
