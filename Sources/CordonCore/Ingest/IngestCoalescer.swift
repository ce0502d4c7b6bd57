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
/// transaction.
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

    // Guarded by `lock` (hence @unchecked Sendable).
    private let lock = NSLock()
    private var queued: [RegionID: [Batch]] = [:]
    private var leading: Set<RegionID> = []

    /// Writes `batch` for `region`, alone or with others queued at the same moment, through
    /// `write` (one transaction for the events of every batch it is given).
    func write(_ batch: Batch, region: RegionID, with write: ([Batch]) throws -> Written) throws -> Written {
        lock.lock()
        queued[region, default: []].append(batch)
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
            let group = takeGroup(region)
            let result = Result { try write(group) }
            for batch in group where batch !== own {
                batch.outcome = .done(result.map { share($0, of: batch) })
                batch.ready.signal()
            }
            if group.contains(where: { $0 === own }) { return try result.map { share($0, of: own) }.get() }
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
