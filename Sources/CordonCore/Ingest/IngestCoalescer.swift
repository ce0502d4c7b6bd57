import CordonAudit
import Foundation

/// Concurrent ingest requests' events for one region, written as one audited transaction
/// (decision 0018, "Coalesced ingest"): a group commit one level above the audit log's.
///
/// A request's events for a region are queued; the first request to find no writer for that
/// region becomes its leader. The leader takes every queued batch of the same principal
/// (actor, name and role: one entry must name one actor), writes them with one COMMIT and one
/// audit entry, hands each request its own share of the result, and repeats until its own
/// batch is written. Leadership then passes to the oldest waiting request, so no request
/// writes for others for longer than it waits. Waiting requests hold no connection, lock or
/// transaction. Before it takes a group, a leader waits up to ``commitDelay`` for the other
/// coalescing runs still deciding their lines (PostgreSQL's `commit_delay`): under load one
/// transaction then covers a few hundred events instead of about seventy, and each event costs
/// a third less CPU (decision 0018, "Session 13"). A run with no other run beside it never
/// waits.
///
/// What each request still gets, as before: its lines decided in order, its own events in one
/// transaction per region (never split across two), and a receipt of an entry that names its
/// events' subjects and is durable before it answers. What changes: the entry also covers the
/// other requests of the same principal written with it; it lists their request ids under
/// `coalescedRequests`, so a DPO can still correlate each request with its entry. A failed
/// write fails every batch in it, exactly as one request's failed write fails all its lines.
/// Idempotent requests (an `Idempotency-Key`) are never coalesced: their key is recorded in
/// their own transaction (decision 0010).
final class IngestCoalescer: @unchecked Sendable {
    /// The most events one coalesced transaction takes (a leader never builds an unbounded one).
    static let maximumEvents = 20_000

    typealias Written = Result<(batch: RegionBatch, receipt: AuditReceipt?), VaultError>

    /// One request's events for one region, waiting to be written.
    final class Batch: @unchecked Sendable {
        let events: [ResolvedEvent]
        let context: AccessContext
        fileprivate let ready = DispatchSemaphore(value: 0)
        fileprivate var outcome: Outcome?  // set before `ready` is signalled

        init(events: [ResolvedEvent], context: AccessContext) {
            self.events = events
            self.context = context
        }
    }

    fileprivate enum Outcome {
        /// Written (or failed) with a group.
        case done(Result<Written, any Error>)
        /// The previous leader passed the region on: this request leads from here.
        case lead
    }

    /// The longest a leader waits for company by default (see ``awaitCompany(_:)``): 10 ms,
    /// the shortest delay at which the 100-line HTTP ingest row stopped improving (4 ms gave
    /// about 0.9 of its rate, none about 0.75; decision 0018, "Session 13").
    static let defaultCommitDelay: TimeInterval = 0.010
    /// A leader stops waiting once its region's queue holds this many events.
    static let enoughEvents = 1000

    /// The longest a leader waits for company.
    let commitDelay: TimeInterval

    // Guarded by `lock` (hence @unchecked Sendable); signalled whenever a batch is queued or a
    // run ends.
    private let lock = NSCondition()
    private var queued: [RegionID: [Batch]] = [:]
    private var leading: Set<RegionID> = []
    /// Coalescing runs started and not yet ended.
    private var activeRuns = 0

    init(commitDelay: TimeInterval = IngestCoalescer.defaultCommitDelay) {
        self.commitDelay = commitDelay
    }

    /// A coalescing run begins: leaders may wait for its batches (``awaitCompany(_:)``).
    func runStarted() {
        lock.withLock { activeRuns += 1 }
    }

    /// A coalescing run ended: leaders no longer wait for it.
    func runEnded() {
        lock.withLock {
            activeRuns -= 1
            lock.broadcast()
        }
    }

    /// Writes `batch` for `region`, alone or with others queued at the same moment, through
    /// `write` (one transaction for the events of every batch it is given).
    func write(_ batch: Batch, region: RegionID, with write: ([Batch]) throws -> Written) throws -> Written {
        lock.lock()
        queued[region, default: []].append(batch)
        lock.broadcast()
        if leading.contains(region) {
            lock.unlock()
            batch.ready.wait()
            if case .done(let result) = batch.outcome { return try result.get() }
        } else {
            leading.insert(region)
            lock.unlock()
        }
        return try lead(region, until: batch, with: write)
    }

    /// Writes groups of queued batches until `own` is written, then passes the region on.
    private func lead(_ region: RegionID, until own: Batch, with write: ([Batch]) throws -> Written) throws -> Written {
        defer { passOn(region) }
        while true {
            awaitCompany(region)
            let group = takeGroup(region)
            let result = Result { try write(group) }
            for batch in group where batch !== own {
                batch.outcome = .done(result.map { share($0, of: batch) })
                batch.ready.signal()
            }
            if group.contains(where: { $0 === own }) { return try result.map { share($0, of: own) }.get() }
        }
    }

    /// Waits up to ``commitDelay`` while other coalescing runs are still deciding their lines
    /// and `region`'s queue holds fewer than ``enoughEvents`` events: one commit then covers
    /// their batches too (PostgreSQL's `commit_delay`, decision 0018 "Session 13"). A run alone
    /// never waits.
    private func awaitCompany(_ region: RegionID) {
        let deadline = Date(timeIntervalSinceNow: commitDelay)
        lock.lock()
        defer { lock.unlock() }
        while true {
            let waiting = queued[region] ?? []
            let events = waiting.reduce(0) { $0 + $1.events.count }
            guard waiting.count < activeRuns, events < Self.enoughEvents, lock.wait(until: deadline) else { return }
        }
    }

    /// The oldest queued batch and every other queued batch of the same principal, up to
    /// ``maximumEvents`` (the oldest is always taken).
    private func takeGroup(_ region: RegionID) -> [Batch] {
        lock.lock()
        defer { lock.unlock() }
        var remaining: [Batch] = []
        var group: [Batch] = []
        var events = 0
        for batch in queued[region] ?? [] {
            let fits =
                group.isEmpty
                || (Self.samePrincipal(batch.context, group[0].context)
                    && events + batch.events.count <= Self.maximumEvents)
            if fits {
                group.append(batch)
                events += batch.events.count
            } else {
                remaining.append(batch)
            }
        }
        queued[region] = remaining
        return group
    }

    /// Hands the region to the oldest waiting batch's request, or leaves it without a leader.
    private func passOn(_ region: RegionID) {
        lock.lock()
        defer { lock.unlock() }
        guard let next = queued[region]?.first else {
            leading.remove(region)
            return
        }
        next.outcome = .lead
        next.ready.signal()
    }

    /// A request's own part of a group's outcome: its accepted count and its subjects, the
    /// group's receipt.
    private func share(_ written: Written, of batch: Batch) -> Written {
        guard case .success(let written) = written else { return written }
        var own = RegionBatch()
        own.accepted = batch.events.count
        var seen = Set<Int64>()
        for event in batch.events where seen.insert(event.sid).inserted { own.subjects.append(event.subjectID) }
        return .success((own, written.receipt))
    }

    /// Batches waiting for `region`'s writer now (for tests).
    func queuedCount(_ region: RegionID) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return queued[region]?.count ?? 0
    }

    static func samePrincipal(_ a: AccessContext, _ b: AccessContext) -> Bool {
        a.actor == b.actor && a.actorName == b.actorName && a.role == b.role
    }
}
