import Testing

@testable import CordonAudit

/// The writer's state machine without files: who leads, when a failed log refuses, who
/// recovers and when, and that only `close()` is terminal.
@Suite("GroupCommitState")
struct GroupCommitStateTests {
    static let time = AuditTimestamp(millisecondsSince1970: 1_738_314_303_042)
    static let start = ContinuousClock.now
    static let failure = AuditError(.writeFailed, "cannot fsync audit segment segments/0000000000.ndjson: I/O error")

    /// A state with `durable` entries and a one-second retry interval.
    static func state(durable: UInt64 = 5) -> GroupCommitState {
        GroupCommitState(nextSequence: durable, lastTime: time, maxBatchEntries: 100, retryInterval: .seconds(1))
    }

    @discardableResult
    static func enqueue(
        _ state: inout GroupCommitState,
        after elapsed: Duration = .zero
    ) -> GroupCommitState.EnqueueAction {
        state.enqueue(
            PendingAppend(ticket: CommitTicket(), events: [TestSupport.event(0)]),
            now: time,
            instant: start + elapsed
        )
    }

    /// Leads a batch of one entry and fails it.
    static func failedState(durable: UInt64 = 5) -> GroupCommitState {
        var state = state(durable: durable)
        #expect(enqueue(&state) == .lead)
        _ = state.takeBatch()
        _ = state.batchFailed(failure, now: time, instant: start)
        return state
    }

    @Test func theFirstCallerLeadsAndLaterOnesWait() {
        var state = Self.state()
        #expect(Self.enqueue(&state) == .lead)
        #expect(Self.enqueue(&state) == .wait)
        #expect(state.takeBatch().count == 2)
        #expect(state.nextSequence == 7)
        guard case .idle = state.batchSucceeded() else {
            Issue.record("expected idle")
            return
        }
        #expect(state.phase == .idle)
    }

    @Test func aFailedBatchFailsItsWaitersAndRefusesUntilARetryIsDue() {
        var state = Self.state()
        #expect(Self.enqueue(&state) == .lead)
        _ = state.takeBatch()
        #expect(Self.enqueue(&state) == .wait)
        let waiting = state.batchFailed(Self.failure, now: Self.time, instant: Self.start)
        #expect(waiting.count == 1)
        #expect(state.health.failures == 1)
        #expect(state.health.failure?.error == Self.failure)
        #expect(state.health.failure?.since == Self.time)
        // Refused at once, without touching the disk, until one interval has passed.
        #expect(Self.enqueue(&state, after: .milliseconds(999)) == .refuse(Self.failure))
        #expect(Self.enqueue(&state, after: .seconds(1)) == .recover)
        // One recoverer at a time: the others are refused while it works.
        #expect(Self.enqueue(&state, after: .seconds(2)) == .refuse(Self.failure))
        #expect(!state.health.isWritable)
    }

    @Test func aRecoveredLogNumbersOnFromTheDurableEntries() {
        var state = Self.failedState(durable: 5)
        #expect(state.nextSequence == 6)  // the failed entry took 5
        #expect(state.beginRecovery(instant: Self.start, force: true) == .recover)
        let entry = state.numberRecoveryEntry(TestSupport.event(1), durableCount: 5, now: Self.time)
        #expect(entry.sequence == 5)
        state.recoverySucceeded(durableCount: 6)
        #expect(state.phase == .idle)
        #expect(state.nextSequence == 6)
        #expect(state.health == AuditHealth(state: .writable, failures: 1, recoveries: 1))
        #expect(Self.enqueue(&state) == .lead)
    }

    @Test func aFailedAttemptKeepsTheLogFailedWithTheNewReasonAndWaitsAgain() {
        var state = Self.failedState()
        #expect(state.beginRecovery(instant: Self.start + .seconds(1), force: false) == .recover)
        let tampered = AuditError(.tampered, "audit entry 4 in segments/0000000000.ndjson changed on disk")
        state.recoveryFailed(tampered, instant: Self.start + .seconds(1))
        #expect(state.health.failure?.error == tampered)
        #expect(state.health.failure?.since == Self.time)  // still failed since the first failure
        #expect(state.health.failure?.failedRecoveryAttempts == 1)
        #expect(state.health.failures == 1)
        guard case .notNow = state.beginRecovery(instant: Self.start + .milliseconds(1500), force: false) else {
            Issue.record("a second attempt within the interval must wait")
            return
        }
        #expect(state.beginRecovery(instant: Self.start + .milliseconds(1500), force: true) == .recover)
    }

    @Test func aWritableLogHasNothingToRecover() {
        var state = Self.state()
        #expect(state.beginRecovery(instant: Self.start, force: true) == .writable)
        #expect(Self.enqueue(&state) == .lead)
        #expect(state.beginRecovery(instant: Self.start, force: true) == .writable)
    }

    @Test func aCheckpointFailureDuringABatchStopsTheLogWhenTheBatchEnds() {
        var state = Self.state()
        #expect(Self.enqueue(&state) == .lead)
        _ = state.takeBatch()
        #expect(Self.enqueue(&state) == .wait)
        state.fail(Self.failure, now: Self.time, instant: Self.start)
        // The batch being written still completes; nobody new joins; the queued caller is failed.
        #expect(Self.enqueue(&state) == .refuse(Self.failure))
        guard case .refuse(let waiting, let error) = state.batchSucceeded() else {
            Issue.record("expected the queued callers to be refused")
            return
        }
        #expect(waiting.count == 1)
        #expect(error == Self.failure)
        #expect(state.health.failures == 1)
        #expect(state.health.failure?.error == Self.failure)
        // A second failure while already failed is not another outage.
        state.fail(Self.failure, now: Self.time, instant: Self.start)
        #expect(state.health.failures == 1)
    }

    @Test func closeIsTerminalEvenForARecoveryInProgress() {
        var state = Self.failedState()
        #expect(state.beginRecovery(instant: Self.start, force: true) == .recover)
        let closed = AuditError(.closed, "the audit log was closed")
        state.close(closed)
        state.recoverySucceeded(durableCount: 6)
        #expect(state.phase == .closed(closed))
        #expect(state.health.state == .closed)
        #expect(state.beginRecovery(instant: Self.start + .seconds(10), force: true) == .closed(closed))
        #expect(Self.enqueue(&state, after: .seconds(10)) == .refuse(closed))
    }

    @Test func closingDuringABatchTakesEffectWhenItEnds() {
        var state = Self.state()
        #expect(Self.enqueue(&state) == .lead)
        _ = state.takeBatch()
        let closed = AuditError(.closed, "the audit log was closed")
        state.close(closed)
        guard case .refuse(let waiting, let error) = state.batchSucceeded() else {
            Issue.record("expected the log to close")
            return
        }
        #expect(waiting.isEmpty)
        #expect(error == closed)
        #expect(state.phase == .closed(closed))
        #expect(state.health.failures == 0)
    }

    @Test func aZeroIntervalLetsEveryAppendTry() {
        var state = GroupCommitState(nextSequence: 0, lastTime: Self.time, maxBatchEntries: 10, retryInterval: .zero)
        #expect(Self.enqueue(&state) == .lead)
        _ = state.takeBatch()
        _ = state.batchFailed(Self.failure, now: Self.time, instant: Self.start)
        #expect(Self.enqueue(&state) == .recover)
    }
}
