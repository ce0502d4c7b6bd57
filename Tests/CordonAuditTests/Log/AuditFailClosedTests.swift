import Foundation
import Glibc
import Synchronization
import Testing

@testable import CordonAudit

@Suite("AuditLog fail-closed")
struct AuditFailClosedTests {
    /// A log over `operations` that retries recovery no sooner than a minute after a
    /// failure, so these tests see the refusals; `AuditRecoveryTests` covers recovery.
    static func open(_ directory: URL, _ operations: FaultyFileOperations) throws -> AuditLog {
        var configuration = TestSupport.configuration()
        configuration.fileOperations = operations
        configuration.recoveryEveryMilliseconds = 60_000
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
        // Once the disk works again, appends are still refused until a recovery attempt is
        // due: the descriptor whose fsync failed is never synced again (fsyncgate).
        operations.syncErrno.store(0, ordering: .relaxed)
        let refused = TestSupport.expectError(.unavailable) { _ = try log.append(TestSupport.event(4)) }
        #expect(refused?.message.contains("Input/output error") == true, "\(String(describing: refused))")
        TestSupport.expectError(.unavailable) { _ = try log.appendBatch([TestSupport.event(5)]) }
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
        TestSupport.expectError(.unavailable) { _ = try log.append(TestSupport.event(1)) }
    }

    @Test func anUncreatableSegmentFailsTheAppend() throws {
        let directory = TestSupport.temporaryDirectory()
        let log = try Self.open(directory, FaultyFileOperations())
        // A directory where the first segment must go: open(O_CREAT|O_EXCL) fails for real.
        try FileManager.default.createDirectory(
            at: TestSupport.firstSegment(directory),
            withIntermediateDirectories: false
        )
        let error = TestSupport.expectError(.writeFailed) { _ = try log.append(TestSupport.event(0)) }
        #expect(error?.message.contains("cannot open audit segment segments/0000000000.ndjson: File exists") == true)
        TestSupport.expectError(.unavailable) { _ = try log.append(TestSupport.event(1)) }
    }

    @Test func aFailedCheckpointWriteAlsoStopsAppends() throws {
        let directory = TestSupport.temporaryDirectory()
        let log = try Self.open(directory, FaultyFileOperations())
        _ = try log.appendBatch((0..<3).map { TestSupport.event($0) })
        try FileManager.default.createDirectory(
            at: directory.appending(path: "checkpoints/0000000003"),
            withIntermediateDirectories: false
        )
        TestSupport.expectError(.writeFailed) { _ = try log.checkpoint() }
        TestSupport.expectError(.unavailable) { _ = try log.append(TestSupport.event(3)) }
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
        #expect(codes.allSatisfy { $0 == .writeFailed || $0 == .unavailable }, "\(codes)")
        #expect(log.treeSize == 0)
    }
}
