import CordonAudit
import Foundation

extension Vault {
    /// The newest audit entry that states a store's anchor.
    struct AuditedAnchor: Sendable {
        var counter: Int64
        /// `nil` for entries written before batches were recorded.
        var batch: Int64?
        var sequence: UInt64
        var outcome: AuditOutcome
        var action: String
        /// For an `aborted` entry: the batch id the aborted write had drawn, which the store
        /// shows if that COMMIT reached the disk after all.
        var abortedBatch: Int64?
    }

    /// What comparing a store with its newest audited anchor decided.
    enum AnchorVerdict: Sendable {
        /// The store is exactly where the trail says.
        case consistent
        /// The store is one write away from the trail for a reason the trail itself
        /// explains (a crash between an entry and its COMMIT, or an aborted COMMIT that
        /// reached the disk): record `store.recovered` and go on.
        case recover(reason: String, resolves: UInt64)
        /// The store is behind the trail, or at its counter with another history.
        case rolledBack(String)
        /// The store is ahead of the trail: the trail lost entries.
        case trailCut(String)
    }

    /// The newest anchor entry of each of `targets` before entry `end` (default: the
    /// whole trail), scanning back from the end, where recent writes are. A store with no
    /// such entry has never been written (or its entries are gone: ``reconcile(_:state:audited:previous:)``
    /// decides which).
    func latestAnchors(_ targets: [AnchoredStore], before end: UInt64? = nil) throws -> [AnchoredStore: AuditedAnchor] {
        var found: [AnchoredStore: AuditedAnchor] = [:]
        var end = end ?? audit.treeSize
        while end > 0 && found.count < targets.count {
            let start = end > 4096 ? end - 4096 : 0
            let entries: [AuditEntry]
            do {
                // Only lines naming a commit key are decoded (keys are canonical JSON strings).
                entries = try audit.entries(in: start..<end, containing: ".commit\"")
            } catch {
                throw VaultError(.auditUnavailable, "cannot read the audit trail: \(error.message)", underlying: error)
            }
            for entry in entries.reversed() {
                for target in targets where found[target] == nil {
                    guard let anchor = target.anchor(in: entry) else { continue }
                    var abortedBatch: Int64?
                    if case .integer(let batch)? = entry.details["abortedBatch"] { abortedBatch = batch }
                    found[target] = AuditedAnchor(
                        counter: anchor.counter,
                        batch: anchor.batch,
                        sequence: entry.sequence,
                        outcome: entry.outcome,
                        action: entry.action,
                        abortedBatch: abortedBatch
                    )
                }
            }
            end = start
        }
        return found
    }

    /// Compares a store's own anchor with the newest one the trail states.
    ///
    /// - A store with no audited anchor must never have been written.
    /// - At the audited counter, the batch must match too (another file at the same
    ///   counter has another history).
    /// - One commit behind an `ok` write entry: the process stopped between that entry and
    ///   its COMMIT (or the COMMIT failed and its `aborted` entry could not be written). The
    ///   write is identified by its own anchor, whatever entries came after it, and the
    ///   store must match the anchor before it (`previous`).
    /// - One commit ahead of an `aborted` entry, with the batch that entry names: the
    ///   COMMIT reported a failure but reached the disk.
    /// - Anything else behind is a rollback; anything else ahead proves the trail was cut.
    static func reconcile(
        _ target: AnchoredStore,
        state: StoreAnchor,
        audited: AuditedAnchor?,
        previous: () throws -> AuditedAnchor?
    ) throws -> AnchorVerdict {
        guard let audited else {
            if state.counter == 0 { return .consistent }
            return .trailCut(
                "\(target) is at \(state), but the audit trail records no write to it: the trail is missing entries (cut, or replaced by another trail)"
            )
        }
        let entry = "entry \(audited.sequence) (\(audited.action), \(audited.outcome))"
        if state.counter == audited.counter {
            if let batch = audited.batch, batch != state.batch {
                return .rolledBack(
                    "\(target) is at the audited commit \(state.counter) but from another history (batch \(state.batch); \(entry) names batch \(batch)): the file was replaced by another copy"
                )
            }
            return .consistent
        }
        // Only the write's own entry can be waiting for its COMMIT; a statement of where the
        // store is (a recovery, a clean close confirming this process's writes) cannot.
        let isWriteClaim =
            audited.action != Self.recoveredAction.rawValue && audited.action != Self.closeAction.rawValue
        if state.counter == audited.counter - 1, audited.outcome == .ok, isWriteClaim {
            if let before = try previous(), let batch = before.batch, before.counter == state.counter,
                batch != state.batch
            {
                return .rolledBack(
                    "\(target) is one commit behind \(entry), but not at the state before it (batch \(state.batch); entry \(before.sequence) names batch \(batch)): the file was replaced by another copy"
                )
            }
            return .recover(
                reason:
                    "the write audited at entry \(audited.sequence) (\(audited.action)) did not commit: the process stopped between its audit entry and COMMIT",
                resolves: audited.sequence
            )
        }
        if state.counter == audited.counter + 1, audited.outcome == .aborted, audited.abortedBatch == state.batch {
            return .recover(
                reason:
                    "the write recorded as aborted at entry \(audited.sequence) (\(audited.action)) did commit: its COMMIT reported a failure but reached the disk",
                resolves: audited.sequence
            )
        }
        if state.counter > audited.counter {
            return .trailCut(
                "\(target) is at commit \(state.counter), but the newest audit entry about it is \(entry) at commit \(audited.counter): the trail is missing entries (cut, or replaced by an older copy)"
            )
        }
        return .rolledBack(
            "\(target) is at commit \(state.counter) but the audit trail recorded commit \(audited.counter) (\(entry)): the file is older than its audited state (restored from an old copy, or its WAL was dropped)"
        )
    }

    /// The action that re-anchors a store after a write the trail had to explain.
    static let recoveredAction = AuditAction.storeRecovered

    /// Appends `store.recovered` for `target`, stating the store's real anchor, so the next
    /// open compares against it and a DPO sees what happened.
    func recordRecovery(_ target: AnchoredStore, state: StoreAnchor, reason: String, resolves: UInt64) throws {
        var details = target.details(state)
        details["resolves"] = .integer(Int64(resolves))
        try record(
            AccessContext.system("cordon:recovery"),
            AuditRecord(action: Self.recoveredAction, regions: target.regions, reason: reason, details: details)
        )
        addWarning("\(target): \(reason); recorded as \(Self.recoveredAction)")
    }
}
