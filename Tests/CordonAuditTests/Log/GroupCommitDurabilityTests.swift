import Foundation
import Synchronization
import Testing

@testable import CordonAudit

/// The group commit's promise under many appenders: an acknowledged append is durable
/// (it is in the log after reopening), an append whose batch failed to sync is never in
/// the log, and appends after the log recovered are not lost either.
@Suite("Group commit durability")
struct GroupCommitDurabilityTests {
    /// What the appender threads saw: request ids acknowledged and request ids refused.
    struct Outcomes {
        var acknowledged: [String: AuditReceipt] = [:]
        var failed: Set<String> = []
        var failureCodes: [AuditError.Code] = []
    }

    /// `threads` threads each make `perThread` appends; a refused append is tried again with
    /// a new request id until it is acknowledged (so a failed attempt's id names it alone).
    static func run(_ log: AuditLog, threads: Int, perThread: Int) -> Outcomes {
        let outcomes = Mutex(Outcomes())
        let group = DispatchGroup()
        for thread in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                var attempt = 0
                for _ in 0..<perThread {
                    while true {
                        attempt += 1
                        let id = "t\(thread)-a\(attempt)"
                        var event = TestSupport.event(thread, subject: "ps_t\(thread)")
                        event.requestId = id
                        do {
                            let receipt = try log.append(event)
                            outcomes.withLock { $0.acknowledged[id] = receipt }
                            break
                        } catch let error as AuditError {
                            outcomes.withLock {
                                $0.failed.insert(id)
                                $0.failureCodes.append(error.code)
                            }
                            usleep(100)  // another thread is recovering the log
                        } catch {
                            Issue.record("append threw \(error)")
                            break
                        }
                    }
                }
                group.leave()
            }
        }
        group.wait()
        return outcomes.withLock { $0 }
    }

    @Test func everyAcknowledgedAppendOfSixtyFourWritersIsInTheReopenedLog() throws {
        let directory = TestSupport.temporaryDirectory()
        let operations = FaultyFileOperations()
        var configuration = TestSupport.configuration(checkpointEvery: 100_000)
        configuration.fileOperations = operations
        let log = try TestSupport.open(directory, configuration)
        let outcomes = Self.run(log, threads: 64, perThread: 25)
        #expect(outcomes.acknowledged.count == 1600)
        #expect(outcomes.failed.isEmpty)
        // Batched: far fewer fsyncs than appends (one fsync covers every entry waiting).
        #expect(operations.syncs.load(ordering: .relaxed) < 1600)
        try log.close()

        let reopened = try TestSupport.open(directory)
        let entries = try reopened.entries(in: 0..<reopened.treeSize)
        #expect(entries.count == 1600)
        for entry in entries {
            #expect(outcomes.acknowledged[entry.requestId]?.sequence == entry.sequence)
            #expect(outcomes.acknowledged[entry.requestId]?.leafHash == entry.leafHash)
        }
        try reopened.close()
    }

    @Test(arguments: [1, 4, 9])
    func aFailedFsyncFailsItsWholeBatchAndLosesNothingAcknowledged(failingSync: Int) throws {
        let directory = TestSupport.temporaryDirectory()
        let operations = FaultyFileOperations()
        operations.failSync(number: failingSync)
        var configuration = TestSupport.configuration(checkpointEvery: 100_000)
        configuration.fileOperations = operations
        configuration.recoveryEveryMilliseconds = 0
        let log = try TestSupport.open(directory, configuration)
        let outcomes = Self.run(log, threads: 64, perThread: 20)
        #expect(outcomes.acknowledged.count == 1280)
        // The fault fired: at least the batch it hit was refused, as a failed write (its own
        // waiters) or as unavailable (appends that came while the log was failed).
        #expect(!outcomes.failed.isEmpty)
        #expect(outcomes.failureCodes.allSatisfy { $0 == .writeFailed || $0 == .unavailable })
        #expect(log.health.failures == 1 && log.health.recoveries == 1)
        try log.close()

        let reopened = try TestSupport.open(directory)
        let entries = try reopened.entries(in: 0..<reopened.treeSize)
        let recorded = entries.filter { $0.action != "audit.recovered" }
        #expect(entries.count - recorded.count == 1)
        // Every acknowledged append is there, at the sequence number its receipt names.
        #expect(Set(recorded.map(\.requestId)) == Set(outcomes.acknowledged.keys))
        for entry in recorded {
            #expect(outcomes.acknowledged[entry.requestId]?.sequence == entry.sequence)
        }
        // No append of the failed batch (or refused while the log was failed) got in.
        #expect(recorded.allSatisfy { !outcomes.failed.contains($0.requestId) })
        #expect(AuditVerifier.verify(directory: directory, publicKey: reopened.verifierKey).isValid)
        try reopened.close()
    }
}
