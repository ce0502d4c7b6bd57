/// The group-commit state machine of the audit writer: who leads, what is queued, whether
/// the log still accepts appends. No I/O here; ``AuditLog`` performs the actions.
///
/// Callers enqueue entries (getting sequence numbers and times in queue order); the first
/// caller of an idle log leads: it takes the whole queue as one batch, writes it with one
/// `write` and one `fdatasync`, then either goes idle or hands leadership to the first
/// caller that queued meanwhile. A failed write or sync is terminal.
struct GroupCommitState {
    enum Phase {
        case idle
        case committing
        case failed(AuditError)
    }

    enum EnqueueAction {
        case lead
        case wait
        case refuse(AuditError)
    }

    enum FinishAction {
        case idle
        case handOff(CommitTicket)
    }

    private(set) var phase: Phase = .idle
    private var queue: [PendingAppend] = []
    /// The sequence number the next enqueued entry gets.
    private(set) var nextSequence: UInt64
    private var lastTime: AuditTimestamp
    let maxBatchEntries: Int

    init(nextSequence: UInt64, lastTime: AuditTimestamp, maxBatchEntries: Int) {
        self.nextSequence = nextSequence
        self.lastTime = lastTime
        self.maxBatchEntries = max(1, maxBatchEntries)
    }

    /// Numbers `events` (times never go backwards) and queues them; returns what the caller
    /// does next and its queued entries (to encode while it waits).
    mutating func enqueue(
        _ events: [AuditEvent],
        ticket: CommitTicket,
        now: AuditTimestamp
    )
        -> (EnqueueAction, PendingAppend?)
    {
        if case .failed(let error) = phase { return (.refuse(error), nil) }
        let time = max(now, lastTime)
        lastTime = time
        var entries: [AuditEntry] = []
        entries.reserveCapacity(events.count)
        for event in events {
            entries.append(AuditEntry(sequence: nextSequence, time: time, event: event))
            nextSequence += 1
        }
        let pending = PendingAppend(ticket: ticket, entries: entries)
        queue.append(pending)
        guard case .idle = phase else { return (.wait, pending) }
        phase = .committing
        return (.lead, pending)
    }

    /// The leader's next batch: queued callers in order, up to `maxBatchEntries` (at least one).
    mutating func takeBatch() -> [PendingAppend] {
        precondition(isCommitting, "only the leader takes a batch")
        var count = 0
        var taken = 0
        while taken < queue.count, taken == 0 || count + queue[taken].entries.count <= maxBatchEntries {
            count += queue[taken].entries.count
            taken += 1
        }
        let batch = Array(queue.prefix(taken))
        queue.removeFirst(taken)
        return batch
    }

    /// The batch is durable: go idle, or hand leadership to the next queued caller.
    mutating func batchSucceeded() -> FinishAction {
        guard let next = queue.first else {
            phase = .idle
            return .idle
        }
        return .handOff(next.ticket)
    }

    /// The batch failed: refuse everything from now on; returns the queued callers to fail.
    mutating func batchFailed(_ error: AuditError) -> [CommitTicket] {
        fail(error)
        let waiting = queue.map(\.ticket)
        queue.removeAll()
        return waiting
    }

    /// Refuses further appends (after a failed checkpoint write, or on close).
    mutating func fail(_ error: AuditError) {
        if case .failed = phase { return }
        phase = .failed(error)
    }

    private var isCommitting: Bool {
        if case .committing = phase { return true }
        return false
    }
}
