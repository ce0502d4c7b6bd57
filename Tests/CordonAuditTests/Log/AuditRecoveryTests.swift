import Foundation
import Glibc
import Synchronization
import Testing

@testable import CordonAudit

/// A failed write, fsync or checkpoint write stops appends; once the disk works again the
/// log cuts back what was never acknowledged, re-verifies, records its recovery and
/// resumes — without being reopened. What it cannot verify keeps it failed.
@Suite("AuditLog recovery")
struct AuditRecoveryTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var call: FaultyFileOperations.Call
        var failure: FaultyFileOperations.Failure
        var persistent: Bool
        var testDescription: String { "\(failure) on \(call), \(persistent ? "persistent" : "once")" }
    }

    static let cases: [Case] = [
        (FaultyFileOperations.Call.write, FaultyFileOperations.Failure.eio), (.write, .enospc), (.write, .shortWrite),
        (.sync, .eio), (.sync, .enospc),
    ].flatMap { call, failure in [false, true].map { Case(call: call, failure: failure, persistent: $0) } }

    /// A log over `operations` whose appends retry recovery at once (`interval` 0).
    static func open(
        _ directory: URL,
        _ operations: FaultyFileOperations,
        interval: Int = 0,
        segmentMaxEntries: UInt64 = 1_000_000
    ) throws -> AuditLog {
        var configuration = TestSupport.configuration()
        configuration.fileOperations = operations
        configuration.recoveryEveryMilliseconds = interval
        configuration.segmentMaxEntries = segmentMaxEntries
        return try TestSupport.open(directory, configuration)
    }

    /// Every line of every segment, in order.
    static func storedLines(_ directory: URL) throws -> [Data] {
        let folder = directory.appending(path: "segments")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().flatMap {
            try TestSupport.lines(folder.appending(path: $0))
        }
    }

    @Test(arguments: cases)
    func theLogResumesOnceTheFaultClears(_ fault: Case) throws {
        let operations = FaultyFileOperations()
        let directory = TestSupport.temporaryDirectory()
        let log = try Self.open(directory, operations)
        let acknowledged = try log.appendBatch((0..<3).map { TestSupport.event($0) })
        operations.arm(fault.call, fault.failure, persistent: fault.persistent)

        TestSupport.expectError(.writeFailed) { _ = try log.append(TestSupport.event(3)) }
        let failure = try #require(log.health.failure)
        #expect(failure.error.code == .writeFailed)
        #expect(!failure.reason.contains(directory.path), "no absolute path in \(failure.reason)")
        #expect(log.health.failures == 1)
        if fault.persistent {
            // Every attempt finds the disk still failing: refused, and still failed.
            let refused = TestSupport.expectError(.unavailable) { _ = try log.append(TestSupport.event(4)) }
            #expect(refused?.message.contains("refuses appends since") == true, "\(String(describing: refused))")
            TestSupport.expectError(.unavailable) { try log.recover() }
            #expect(log.health.failure?.failedRecoveryAttempts == 2)
            #expect(log.treeSize == 3)
            operations.clear()
        }

        // No reopen: the next append recovers the log first, then is written.
        let receipt = try log.append(TestSupport.event(5))
        #expect(log.health == AuditHealth(state: .writable, failures: 1, recoveries: 1))
        #expect(receipt.sequence == 4)
        #expect(log.treeSize == 5)
        // Acknowledged entries are intact, the unacknowledged one is gone, and the
        // recovery is on the record between them.
        #expect(try log.entries(in: 0..<3).map(\.requestId) == ["req_0", "req_1", "req_2"])
        let recovered = try log.entry(at: 3)
        #expect(recovered.action == "audit.recovered")
        #expect(recovered.role == "system")
        #expect(recovered.details["failure"] == "write_failed")
        #expect(recovered.details["failedSince"] == .string(failure.since.description))
        #expect(try log.entry(at: 4).requestId == "req_5")
        #expect(try log.entries(in: 0..<3).map(\.leafHash) == acknowledged.map(\.leafHash))
        let lines = try Self.storedLines(directory)
        #expect(lines.count == 5, "the failed batch left bytes behind")
        #expect(!lines.contains { String(decoding: $0, as: UTF8.self).contains("\"req_3\"") })
        // Recovery re-signed a checkpoint over what it verified.
        #expect(log.latestCheckpoint?.treeSize == 3)

        try log.close()
        let report = AuditVerifier.verify(directory: directory, publicKey: log.verifierKey)
        #expect(report.isValid && report.treeSize == 5, "\(report)")
        let reopened = try TestSupport.open(directory)
        #expect(reopened.treeSize == 5)
        #expect(reopened.openWarnings.isEmpty)
    }

    @Test func appendsTryToRecoverAtMostOncePerInterval() throws {
        let operations = FaultyFileOperations()
        let log = try Self.open(TestSupport.temporaryDirectory(), operations, interval: 60_000)
        _ = try log.append(TestSupport.event(0))
        operations.syncErrno.store(EIO, ordering: .relaxed)
        TestSupport.expectError(.writeFailed) { _ = try log.append(TestSupport.event(1)) }
        operations.clear()
        let before = (operations.writes.load(ordering: .relaxed), operations.syncs.load(ordering: .relaxed))
        for i in 2..<50 {
            TestSupport.expectError(.unavailable) { _ = try log.append(TestSupport.event(i)) }
        }
        #expect(log.recoverIfDue().failure != nil)
        // Refused without a single system call: a dead disk is not hammered by traffic.
        #expect(operations.writes.load(ordering: .relaxed) == before.0)
        #expect(operations.syncs.load(ordering: .relaxed) == before.1)
        // An explicit recovery does not wait for the interval.
        try log.recover()
        #expect(log.health.isWritable)
        #expect(try log.append(TestSupport.event(50)).sequence == 2)
    }

    @Test func aSegmentCreatedForTheFailedBatchIsRemoved() throws {
        let operations = FaultyFileOperations()
        let directory = TestSupport.temporaryDirectory()
        let log = try Self.open(directory, operations, segmentMaxEntries: 2)
        _ = try log.appendBatch([TestSupport.event(0), TestSupport.event(1)])
        // The next batch starts segments/0000000002.ndjson, and its write fails.
        operations.arm(.write, .shortWrite, persistent: false)
        TestSupport.expectError(.writeFailed) { _ = try log.append(TestSupport.event(2)) }
        #expect(FileManager.default.fileExists(atPath: directory.appending(path: "segments/0000000002.ndjson").path))
        try log.recover()
        #expect(log.treeSize == 3)  // entries 0 and 1, then the recovery in a fresh segment 2
        #expect(try log.entry(at: 2).action == "audit.recovered")
        _ = try log.append(TestSupport.event(3))
        try log.close()
        #expect(AuditVerifier.verify(directory: directory, publicKey: log.verifierKey).isValid)
        #expect(try TestSupport.open(directory).treeSize == 4)
        // The DPO's independent verifier agrees.
        let python = try TestSupport.runPythonVerifier(directory, key: log.verifierKey)
        #expect(python.status == 0, "\(python.output)")
        #expect(python.output.contains("tree size 4"), "\(python.output)")
    }

    @Test func aFailureOnTheFirstSegmentOfAnEmptyLogRecovers() throws {
        let operations = FaultyFileOperations()
        let directory = TestSupport.temporaryDirectory()
        let log = try Self.open(directory, operations)
        operations.arm(.sync, .eio, persistent: false)
        TestSupport.expectError(.writeFailed) { _ = try log.append(TestSupport.event(0)) }
        _ = try log.append(TestSupport.event(1))
        #expect(try log.entries(in: 0..<2).map(\.action) == ["audit.recovered", "subject.export"])
        try log.close()
        #expect(AuditVerifier.verify(directory: directory, publicKey: log.verifierKey).isValid)
    }

    @Test func aFailedCheckpointWriteIsRetriedByRecovery() throws {
        let directory = TestSupport.temporaryDirectory()
        let log = try Self.open(directory, FaultyFileOperations())
        _ = try log.appendBatch((0..<3).map { TestSupport.event($0) })
        // A directory where the checkpoint must go: its rename fails for real.
        let blocker = directory.appending(path: "checkpoints/0000000003")
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: false)
        TestSupport.expectError(.writeFailed) { _ = try log.checkpoint() }
        #expect(log.health.failure?.reason.contains("checkpoints/0000000003") == true)
        // Still blocked: recovery cannot write the checkpoint, so the log stays failed.
        TestSupport.expectError(.unavailable) { _ = try log.append(TestSupport.event(3)) }
        #expect(log.treeSize == 3)
        try FileManager.default.removeItem(at: blocker)
        _ = try log.append(TestSupport.event(4))
        #expect(log.latestCheckpoint?.treeSize == 3)
        #expect(
            FileManager.default.contents(atPath: directory.appending(path: "checkpoints/0000000003").path)
                .map { String(decoding: $0, as: UTF8.self) } == log.latestCheckpoint?.text
        )
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: directory.appending(path: "checkpoints").path
        )
        #expect(!leftovers.contains { $0.hasPrefix(AuditDirectory.temporaryPrefix) }, "\(leftovers)")
        try log.close()
        #expect(AuditVerifier.verify(directory: directory, publicKey: log.verifierKey).isValid)
    }

    @Test func anEntryChangedOnDiskKeepsTheLogFailedAndSaysWhich() throws {
        let operations = FaultyFileOperations()
        let directory = TestSupport.temporaryDirectory()
        let log = try Self.open(directory, operations)
        _ = try log.appendBatch((0..<3).map { TestSupport.event($0) })
        operations.arm(.sync, .eio, persistent: false)
        TestSupport.expectError(.writeFailed) { _ = try log.append(TestSupport.event(3)) }
        // Someone edits an acknowledged entry (after the latest checkpoint) meanwhile.
        let segment = TestSupport.firstSegment(directory)
        var lines = try TestSupport.lines(segment)
        lines[1] = Data(String(decoding: lines[1], as: UTF8.self).replacingOccurrences(of: "req_1", with: "req_9").utf8)
        try TestSupport.write(lines: lines, to: segment)
        let error = TestSupport.expectError(.unavailable) { try log.recover() }
        #expect(error?.message.contains("audit entry 1 in segments/0000000000.ndjson changed on disk") == true)
        #expect(log.health.failure?.error.code == .tampered)
        TestSupport.expectError(.unavailable) { _ = try log.append(TestSupport.event(4)) }
        #expect(log.health.recoveries == 0)
    }

    @Test func aLostAcknowledgedWriteKeepsTheLogFailed() throws {
        let operations = FaultyFileOperations()
        let directory = TestSupport.temporaryDirectory()
        let log = try Self.open(directory, operations)
        _ = try log.appendBatch((0..<3).map { TestSupport.event($0) })
        operations.arm(.write, .eio, persistent: false)
        TestSupport.expectError(.writeFailed) { _ = try log.append(TestSupport.event(3)) }
        // The disk lost the last acknowledged line.
        let segment = TestSupport.firstSegment(directory)
        try TestSupport.write(lines: Array(try TestSupport.lines(segment).prefix(2)), to: segment)
        let error = TestSupport.expectError(.unavailable) { try log.recover() }
        #expect(error?.message.contains("an acknowledged write was lost") == true, "\(String(describing: error))")
        #expect(log.health.failure?.error.code == .tampered)
    }

    @Test func aProbeLeftByACrashIsRemovedOnOpen() throws {
        let directory = TestSupport.temporaryDirectory()
        _ = try TestSupport.open(directory).append(TestSupport.event(0))
        let probe = directory.appending(path: AuditDirectory.probeName)
        try Data(count: 100).write(to: probe)
        let reopened = try TestSupport.open(directory)
        #expect(!FileManager.default.fileExists(atPath: probe.path))
        #expect(reopened.openWarnings.contains { $0.contains(AuditDirectory.probeName) })
    }

    @Test func closeStaysTerminal() throws {
        let operations = FaultyFileOperations()
        let log = try Self.open(TestSupport.temporaryDirectory(), operations)
        operations.arm(.write, .enospc, persistent: false)
        TestSupport.expectError(.writeFailed) { _ = try log.append(TestSupport.event(0)) }
        try log.close()
        #expect(log.health.state == .closed)
        TestSupport.expectError(.closed) { try log.recover() }
        TestSupport.expectError(.closed) { _ = try log.append(TestSupport.event(1)) }
    }

    @Test func concurrentAppendersAllLandAfterARecovery() throws {
        let operations = FaultyFileOperations(syncDelayMicroseconds: 500)
        let directory = TestSupport.temporaryDirectory()
        let log = try Self.open(directory, operations)
        operations.arm(.sync, .eio, persistent: false)
        TestSupport.expectError(.writeFailed) { _ = try log.append(TestSupport.event(0)) }
        // 8 threads append at once; each retries a refusal (another thread was recovering).
        let group = DispatchGroup()
        for thread in 0..<8 {
            group.enter()
            Thread.detachNewThread {
                for i in 0..<20 {
                    var done = false
                    while !done {
                        do {
                            _ = try log.append(TestSupport.event(thread * 100 + i))
                            done = true
                        } catch {
                            usleep(200)
                        }
                    }
                }
                group.leave()
            }
        }
        group.wait()
        #expect(log.treeSize == 161)
        #expect(log.health.recoveries == 1)
        try log.close()
        #expect(AuditVerifier.verify(directory: directory, publicKey: log.verifierKey).isValid)
    }
}
