import Foundation
import Synchronization
import Testing

@testable import CordonAudit

@Suite("AuditLog concurrency")
struct AuditConcurrencyTests {
    /// Runs `threads` threads that each append `perThread` entries; returns every receipt.
    static func hammer(_ log: AuditLog, threads: Int, perThread: Int) -> [AuditReceipt] {
        let receipts = Mutex<[AuditReceipt]>([])
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        for t in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                for i in 0..<perThread {
                    do {
                        let receipt = try log.append(TestSupport.event(t * 1000 + i, subject: "ps_thread\(t)"))
                        receipts.withLock { $0.append(receipt) }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
                group.leave()
            }
        }
        group.wait()
        #expect(failures.withLock { $0 }.isEmpty)
        return receipts.withLock { $0 }
    }

    @Test func sixteenThreadsOfTwoHundredAppendsMakeOneConsistentLog() throws {
        let directory = TestSupport.temporaryDirectory()
        var configuration = TestSupport.configuration(checkpointEvery: 500)
        configuration.checkpointEveryMilliseconds = 20
        let log = try TestSupport.open(directory, configuration)
        let receipts = Self.hammer(log, threads: 16, perThread: 200)
        #expect(receipts.count == 3200)
        #expect(Set(receipts.map(\.sequence)) == Set(0..<3200))
        #expect(log.treeSize == 3200)
        let checkpoint = try log.checkpoint()
        #expect(checkpoint.treeSize == 3200)
        for receipt in receipts.prefix(50) {
            try log.inclusionProof(index: receipt.sequence, treeSize: 3200).verify(root: checkpoint.rootHash)
        }
        // Each thread's own entries appear in the order it appended them.
        for t in 0..<16 {
            let mine = try log.search(AuditQuery(subject: "ps_thread\(t)", limit: 10_000))
            #expect(mine.map(\.requestId) == (0..<200).map { "req_\(t * 1000 + $0)" })
        }
        try log.close()
        let report = AuditVerifier.verify(directory: directory, publicKey: log.verifierKey)
        #expect(report.isValid && report.treeSize == 3200, "\(report)")
        let python = try TestSupport.runPythonVerifier(directory, key: log.verifierKey)
        #expect(python.status == 0, "\(python.output)")
        #expect(python.output.contains("tree size 3200"))
        #expect(python.output.contains("root \(report.rootHex)"))
        #expect(try TestSupport.open(directory).treeSize == 3200)
    }

    @Test func concurrentAppendsShareOneFsyncPerBatch() throws {
        let operations = FaultyFileOperations(syncDelayMicroseconds: 3000)
        var configuration = TestSupport.configuration()
        configuration.fileOperations = operations
        let log = try TestSupport.open(TestSupport.temporaryDirectory(), configuration)
        let receipts = Self.hammer(log, threads: 16, perThread: 20)
        #expect(receipts.count == 320)
        let syncs = operations.syncs.load(ordering: .relaxed)
        #expect(syncs < 320 / 2, "\(syncs) fsyncs for 320 appends: callers were not batched")
    }
}
