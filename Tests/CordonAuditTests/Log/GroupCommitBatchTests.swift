import Testing

@testable import CordonAudit

/// How the leader cuts batches and numbers entries: at most `maxBatchEntries` per batch
/// (but never an empty one), queue order, times that never go backwards, and leadership
/// handed to the first caller still queued.
@Suite("GroupCommitState: batches")
struct GroupCommitBatchTests {
    static let time = AuditTimestamp(millisecondsSince1970: 1_738_314_303_042)

    static func pending(_ count: Int) -> PendingAppend {
        PendingAppend(ticket: CommitTicket(), events: (0..<count).map { TestSupport.event($0) })
    }

    @Test func aBatchHoldsAtMostMaxBatchEntriesInQueueOrder() {
        var state = GroupCommitState(nextSequence: 0, lastTime: Self.time, maxBatchEntries: 3)
        let appends = [Self.pending(2), Self.pending(1), Self.pending(1)]
        #expect(state.enqueue(appends[0], now: Self.time, instant: .now) == .lead)
        #expect(state.enqueue(appends[1], now: Self.time, instant: .now) == .wait)
        #expect(state.enqueue(appends[2], now: Self.time, instant: .now) == .wait)
        let first = state.takeBatch()
        #expect(first.map(\.firstSequence) == [0, 2])
        guard case .handOff(let next) = state.batchSucceeded() else {
            Issue.record("the caller still queued must lead next")
            return
        }
        #expect(next === appends[2].ticket)
        #expect(state.takeBatch().map(\.firstSequence) == [3])
        guard case .idle = state.batchSucceeded() else {
            Issue.record("an empty queue goes idle")
            return
        }
    }

    @Test func anAppendLargerThanTheLimitIsStillOneBatch() {
        var state = GroupCommitState(nextSequence: 10, lastTime: Self.time, maxBatchEntries: 2)
        #expect(state.enqueue(Self.pending(5), now: Self.time, instant: .now) == .lead)
        #expect(state.takeBatch().map(\.events.count) == [5])
        #expect(state.nextSequence == 15)
    }

    @Test func aLimitBelowOneMeansOneEntryPerBatch() {
        #expect(GroupCommitState(nextSequence: 0, lastTime: Self.time, maxBatchEntries: 0).maxBatchEntries == 1)
        #expect(GroupCommitState(nextSequence: 0, lastTime: Self.time, maxBatchEntries: -4).maxBatchEntries == 1)
    }

    @Test func aNegativeRetryIntervalIsZero() {
        let state = GroupCommitState(
            nextSequence: 0,
            lastTime: Self.time,
            maxBatchEntries: 1,
            retryInterval: .seconds(-3)
        )
        #expect(state.retryInterval == .zero)
    }

    @Test func entryTimesNeverGoBackwardsWhenTheWallClockDoes() {
        var state = GroupCommitState(nextSequence: 0, lastTime: Self.time, maxBatchEntries: 10)
        let earlier = AuditTimestamp(millisecondsSince1970: Self.time.millisecondsSince1970 - 60_000)
        let later = AuditTimestamp(millisecondsSince1970: Self.time.millisecondsSince1970 + 5)
        let appends = [Self.pending(1), Self.pending(1), Self.pending(1)]
        _ = state.enqueue(appends[0], now: earlier, instant: .now)
        _ = state.enqueue(appends[1], now: later, instant: .now)
        _ = state.enqueue(appends[2], now: earlier, instant: .now)
        #expect(appends.map(\.time) == [Self.time, later, later])
    }

    @Test func theRecoveryEntryIsNumberedAfterTheDurableEntriesAndNotBeforeTheLastTime() {
        var state = GroupCommitState(nextSequence: 0, lastTime: Self.time, maxBatchEntries: 10, retryInterval: .zero)
        _ = state.enqueue(Self.pending(3), now: Self.time, instant: .now)
        _ = state.takeBatch()
        _ = state.batchFailed(
            AuditError(.writeFailed, "cannot write"),
            now: Self.time,
            instant: .now
        )
        #expect(state.beginRecovery(instant: .now, force: false) == .recover)
        let earlier = AuditTimestamp(millisecondsSince1970: 0)
        let entry = state.numberRecoveryEntry(TestSupport.event(9), durableCount: 1, now: earlier)
        #expect(entry.sequence == 1)
        #expect(entry.time == Self.time)
        #expect(state.nextSequence == 2)
    }
}
