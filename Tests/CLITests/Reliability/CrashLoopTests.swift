import CordonTestSupport
import Foundation
import Testing

/// Part 2 of the reliability suite (issue 13): `kill -9` at random moments of ingest, through
/// the CLI and through `cordon serve` with concurrent HTTP writers. After every kill: every
/// acknowledged batch is stored in full, every unacknowledged one is stored whole or not at
/// all, the vault reopens with every store serving (recovered by its anchor where a write
/// was interrupted, and the trail says so), the trail claims exactly what the stores hold,
/// and store and audit verification pass.
///
/// `make test` runs a few cycles; `make reliability` runs 500 and prints the counts.
@Suite("Reliability: crash loop")
struct CrashLoopTests {
    /// `CORDON_RELIABILITY_CYCLES=N` runs another number.
    static let cycles =
        ProcessInfo.processInfo.environment["CORDON_RELIABILITY_CYCLES"].flatMap { Int($0) }
        ?? ReliabilityRun.scale(short: 4, full: 500)
    /// A fresh data directory every so many cycles: young and grown directories both crash.
    static let cyclesPerDirectory = 50

    @Test func killedIngestKeepsEveryPromise() throws {
        var generator = ReliabilityRun.generator("crash loop")
        var total = CrashLoop.Tally()
        var loop: CrashLoop?
        for cycle in 0..<Self.cycles {
            if cycle % Self.cyclesPerDirectory == 0 {
                if let loop { Self.merge(loop, into: &total) }
                loop = try CrashLoop(
                    epoch: cycle / Self.cyclesPerDirectory,
                    generator: SeededGenerator(seed: generator.next())
                )
            }
            let current = loop!
            if cycle % 2 == 0 {
                try current.cliCycle(cycle)
            } else {
                try current.httpCycle(cycle, writers: Int.random(in: 2...4, using: &generator))
            }
            let last = cycle == Self.cycles - 1 || (cycle + 1) % Self.cyclesPerDirectory == 0
            guard try current.check(cycle, withCommands: last || cycle % 25 == 0) else { break }
        }
        if let loop { Self.merge(loop, into: &total) }

        #expect(total.acknowledgedWritesLost == 0)
        #expect(total.storesLocked == 0)
        #expect(total.vaultRefusedToOpen == 0)
        #expect(total.falseClaims == 0)
        #expect(total.unclaimedWrites == 0)
        #expect(total.partialBatches == 0)
        #expect(total.refusedButStored == 0)
        #expect(total.verificationFailures == 0)
        #expect(total.killed > 0)
        ReliabilityRun.report(
            "2-crash-loop",
            [
                "crash loop: \(total.cycles) cycles (\(total.cliCycles) cordon ingest, \(total.httpCycles) cordon serve with 2-4 concurrent HTTP writers), \(total.killed) killed with SIGKILL",
                "  batches: \(total.acknowledgedBatches) acknowledged, \(total.unacknowledgedCommitted) unacknowledged but committed, \(total.unacknowledgedNotCommitted) unacknowledged and not committed, \(total.refusedBatches) refused with an error status",
                "  acknowledged writes lost: \(total.acknowledgedWritesLost) rows (must be 0)",
                "  stores locked after a crash: \(total.storesLocked); vault refused to open: \(total.vaultRefusedToOpen) (must be 0)",
                "  audit entries claiming an effect that did not happen: \(total.falseClaims) (must be 0); writes the trail does not show: \(total.unclaimedWrites)",
                "  unacknowledged batches partly stored: \(total.partialBatches); refused batches stored: \(total.refusedButStored); rows stored twice: \(total.duplicatedRows)",
                "  stores recovered by their anchor on reopen (store.recovered): \(total.storesRecovered); verification failures (store, audit, verify.py): \(total.verificationFailures)",
                "  batches sent again with their Idempotency-Key: \(total.retriedWithIdempotencyKey)\(CrashLoop.serverSupportsIdempotency ? "" : " (the server does not honour the header yet: issue 14.8)")",
            ]
        )
    }

    static func merge(_ loop: CrashLoop, into total: inout CrashLoop.Tally) {
        loop.countAnswers()
        for problem in loop.problems.prefix(20) { Issue.record(Comment(rawValue: problem)) }
        let tally = loop.tally
        total.cycles += tally.cycles
        total.cliCycles += tally.cliCycles
        total.httpCycles += tally.httpCycles
        total.killed += tally.killed
        total.acknowledgedBatches += tally.acknowledgedBatches
        total.unacknowledgedCommitted += tally.unacknowledgedCommitted
        total.unacknowledgedNotCommitted += tally.unacknowledgedNotCommitted
        total.refusedBatches += tally.refusedBatches
        total.acknowledgedWritesLost += tally.acknowledgedWritesLost
        total.duplicatedRows += tally.duplicatedRows
        total.partialBatches += tally.partialBatches
        total.refusedButStored += tally.refusedButStored
        total.storesLocked += tally.storesLocked
        total.vaultRefusedToOpen += tally.vaultRefusedToOpen
        total.storesRecovered += tally.storesRecovered
        total.falseClaims += tally.falseClaims
        total.unclaimedWrites += tally.unclaimedWrites
        total.verificationFailures += tally.verificationFailures
        total.retriedWithIdempotencyKey += tally.retriedWithIdempotencyKey
    }
}
