/// The group-commit state machine of the audit writer: who leads, what is queued, whether
/// the log accepts appends, and when a failed log may try to recover. No I/O here;
/// ``AuditLog`` performs the actions.
///
/// Callers enqueue entries (getting sequence numbers and times in queue order); the first
/// caller of an idle log leads: it takes the whole queue as one batch, writes it with one
/// `write` and one `fdatasync`, then either goes idle or hands leadership to the first
/// caller that queued meanwhile.
///
/// A failed write, fsync or checkpoint write makes the log *failed*: appends are refused
/// at once, except that one caller per ``retryInterval`` (or an explicit
/// ``AuditLog/recover()``) becomes the *recoverer*: it repairs and re-verifies the files,
/// then the log is idle again and numbering resumes after the last durable entry.
/// ``AuditLog/close()`` is the only terminal state.
struct GroupCommitState {
    /// Why the log stopped accepting appends, and since when.
    struct Failure: Equatable {
        /// The first failure, or the latest failed recovery attempt's reason.
        var error: AuditError
        /// When the log stopped accepting appends (wall clock, for operators).
        var since: AuditTimestamp
        /// When recovery was last attempted (or the failure happened), on a clock that
        /// never jumps, so a changed wall clock cannot stall or hasten the next attempt.
        var lastAttempt: ContinuousClock.Instant
        /// Recovery attempts that failed since the log stopped.
        var failedAttempts = 0
    }

    enum Phase: Equatable {
        case idle
        case committing
        case failed(Failure)
        /// One caller repairs the log; everyone else is refused meanwhile.
        case recovering(Failure)
        /// ``AuditLog/close()`` was called: terminal.
        case closed(AuditError)
    }

    enum EnqueueAction: Equatable {
        case lead
        case wait
        /// The log is failed and a retry is due: the caller recovers, then enqueues again.
        case recover
        case refuse(AuditError)
    }

    enum FinishAction {
        case idle
        case handOff(CommitTicket)
        /// A failure or close arrived while the batch was written: fail these queued callers.
        case refuse([CommitTicket], AuditError)
    }

    enum RecoveryStart: Equatable {
        /// The caller now recovers the log.
        case recover
        /// Nothing to recover: the log accepts appends.
        case writable
        /// Not yet: the last attempt was less than ``retryInterval`` ago, or another caller
        /// is recovering right now.
        case notNow(Failure)
        case closed(AuditError)
    }

    private(set) var phase: Phase = .idle
    private var queue: [PendingAppend] = []
    /// The sequence number the next enqueued entry gets.
    private(set) var nextSequence: UInt64
    private var lastTime: AuditTimestamp
    let maxBatchEntries: Int
    /// The least time between two recovery attempts started by appends.
    let retryInterval: Duration
    /// A failure (or close) that arrived while a batch was being written; it takes effect
    /// when that batch ends, so the batch's own callers still learn their outcome.
    private var pendingStop: Phase?
    /// Times the log stopped accepting appends (a failed write, fsync or checkpoint write).
    private(set) var failureCount = 0
    /// Times a failed log recovered.
    private(set) var recoveryCount = 0

    init(nextSequence: UInt64, lastTime: AuditTimestamp, maxBatchEntries: Int, retryInterval: Duration = .seconds(1)) {
        self.nextSequence = nextSequence
        self.lastTime = lastTime
        self.maxBatchEntries = max(1, maxBatchEntries)
        self.retryInterval = max(.zero, retryInterval)
    }

    /// Numbers `pending`'s events (times never go backwards) and queues them; returns what
    /// the caller does next. Allocates nothing but the queue's growth: the caller built
    /// `pending` before taking the lock this runs under.
    mutating func enqueue(
        _ pending: PendingAppend,
        now: AuditTimestamp,
        instant: ContinuousClock.Instant
    ) -> EnqueueAction {
        switch phase {
        case .closed(let error):
            return .refuse(error)
        case .recovering(let failure):
            return .refuse(failure.error)
        case .failed(let failure):
            guard instant >= failure.lastAttempt + retryInterval else { return .refuse(failure.error) }
            phase = .recovering(failure)
            return .recover
        case .idle, .committing:
            if let stop = pendingStop, let error = stop.error { return .refuse(error) }
        }
        let time = max(now, lastTime)
        lastTime = time
        pending.number(firstSequence: nextSequence, time: time)
        nextSequence += UInt64(pending.events.count)
        queue.append(pending)
        guard case .idle = phase else { return .wait }
        phase = .committing
        return .lead
    }

    /// The leader's next batch: queued callers in order, up to `maxBatchEntries` (at least one).
    mutating func takeBatch() -> [PendingAppend] {
        precondition(phase == .committing, "only the leader takes a batch")
        var count = 0
        var taken = 0
        while taken < queue.count, taken == 0 || count + queue[taken].events.count <= maxBatchEntries {
            count += queue[taken].events.count
            taken += 1
        }
        let batch = Array(queue.prefix(taken))
        queue.removeFirst(taken)
        return batch
    }

    /// The batch is durable: go idle, hand leadership to the next queued caller, or stop
    /// (a checkpoint write failed, or the log was closed, while the batch was written).
    mutating func batchSucceeded() -> FinishAction {
        if let stop = pendingStop, let error = stop.error {
            pendingStop = nil
            phase = stop
            let waiting = queue.map(\.ticket)
            queue.removeAll()
            return .refuse(waiting, error)
        }
        guard let next = queue.first else {
            phase = .idle
            return .idle
        }
        return .handOff(next.ticket)
    }

    /// The batch failed: refuse appends until recovered; returns the queued callers to fail.
    ///
    /// Their sequence numbers were never acknowledged; recovery numbers on from the last
    /// durable entry.
    mutating func batchFailed(
        _ error: AuditError,
        now: AuditTimestamp,
        instant: ContinuousClock.Instant
    )
        -> [CommitTicket]
    {
        let stop = pendingStop
        pendingStop = nil
        switch stop {
        case .closed?:
            phase = stop!
        case .failed?:
            // A checkpoint write failed during this batch and was counted then; the batch's
            // own error is the newer reason.
            phase = .failed(Failure(error: error, since: now, lastAttempt: instant))
        default:
            failureCount += 1
            phase = .failed(Failure(error: error, since: now, lastAttempt: instant))
        }
        let waiting = queue.map(\.ticket)
        queue.removeAll()
        return waiting
    }

    /// A write outside the group commit failed (a checkpoint): refuse appends until
    /// recovered. A log already failed, recovering or closed keeps its state.
    mutating func fail(_ error: AuditError, now: AuditTimestamp, instant: ContinuousClock.Instant) {
        let failure = Phase.failed(Failure(error: error, since: now, lastAttempt: instant))
        switch phase {
        case .idle:
            failureCount += 1
            phase = failure
        case .committing:
            guard pendingStop == nil else { return }
            failureCount += 1
            pendingStop = failure
        case .failed, .recovering, .closed:
            return
        }
    }

    /// Refuses appends for good (``AuditLog/close()``).
    mutating func close(_ error: AuditError) {
        switch phase {
        case .closed:
            return
        case .committing:
            pendingStop = .closed(error)
        case .idle, .failed, .recovering:
            // A recoverer that is still working finds the log closed when it reports back.
            phase = .closed(error)
        }
    }

    /// Asks to recover now: `force` (an explicit ``AuditLog/recover()``) ignores
    /// ``retryInterval``, which only paces attempts that appends and probes start.
    mutating func beginRecovery(instant: ContinuousClock.Instant, force: Bool) -> RecoveryStart {
        switch phase {
        case .idle, .committing:
            return .writable
        case .closed(let error):
            return .closed(error)
        case .recovering(let failure):
            return .notNow(failure)
        case .failed(let failure):
            guard force || instant >= failure.lastAttempt + retryInterval else { return .notNow(failure) }
            phase = .recovering(failure)
            return .recover
        }
    }

    /// The recoverer's own entry (``AuditLog`` records every recovery in the trail), numbered
    /// right after the `durableCount` entries that re-verified.
    mutating func numberRecoveryEntry(_ event: AuditEvent, durableCount: UInt64, now: AuditTimestamp) -> AuditEntry {
        precondition(isRecovering, "only the recoverer numbers a recovery entry")
        nextSequence = durableCount
        let time = max(now, lastTime)
        lastTime = time
        nextSequence += 1
        return AuditEntry(sequence: durableCount, time: time, event: event)
    }

    /// The files re-verified and the recovery entry is durable: accept appends again,
    /// numbered after the `durableCount` entries on disk. A log closed meanwhile stays closed.
    mutating func recoverySucceeded(durableCount: UInt64) {
        nextSequence = durableCount
        guard isRecovering else { return }
        recoveryCount += 1
        phase = .idle
    }

    /// The attempt failed: stay failed with the new reason; the next attempt is due one
    /// ``retryInterval`` after `instant`.
    mutating func recoveryFailed(_ error: AuditError, instant: ContinuousClock.Instant) {
        guard case .recovering(var failure) = phase else { return }
        failure.error = error
        failure.lastAttempt = instant
        failure.failedAttempts += 1
        phase = .failed(failure)
    }

    private var isRecovering: Bool {
        if case .recovering = phase { return true }
        return false
    }
}

extension GroupCommitState.Phase {
    /// The error that refuses appends in this phase; nil while the log accepts them.
    var error: AuditError? {
        switch self {
        case .idle, .committing: nil
        case .failed(let failure), .recovering(let failure): failure.error
        case .closed(let error): error
        }
    }
}
