import CordonAudit
import CordonStore
import Synchronization

extension Vault {
    /// One audited write to an anchored store — the only way Cordon changes a region store
    /// or `control.db`.
    ///
    /// In one immediate transaction: `body` makes the change; the store's anchor advances
    /// (``StoreState/advance(in:)``); the entry `entry(result)` describes — with the new
    /// anchor added to its details — is appended to the audit trail and fsynced; then
    /// COMMIT. So nothing is committed that the trail does not show, and:
    /// - if the append fails, the transaction rolls back (fail closed);
    /// - if COMMIT itself fails (disk full, I/O error), the transaction is rolled back and
    ///   an entry with the same action and `outcome: aborted` follows, naming the entry it
    ///   cancels (`aborts`), the reason, and the anchor the store is really at — so the
    ///   trail never keeps an "ok" for a write that did not happen. If even that entry
    ///   cannot be written, the next open finds the store one commit behind its newest
    ///   anchor and records `store.recovered` (``reconcile(_:state:audited:)``);
    /// - when `entry` returns `nil` (the body found nothing to change) the anchor does not
    ///   move and nothing is recorded.
    ///
    /// Returns the body's result and the receipt of its entry (`nil` when nothing was recorded).
    ///
    /// `afterAppend`, when given, runs inside the transaction once the entry is durable,
    /// with the entry's receipt: for what must be stored with the change but names its
    /// entry (an erasure's signed receipt names its audit sequence). If it throws, the
    /// transaction rolls back and an `aborted` entry follows, as for a failed COMMIT.
    @discardableResult
    func write<T: Sendable>(
        _ target: AnchoredStore,
        context: AccessContext,
        _ body: (Connection) throws -> T,
        entry: (T) throws -> AuditRecord?,
        afterAppend: (Connection, T, AuditReceipt) throws -> Void = { _, _, _ in }
    ) throws -> (value: T, receipt: AuditReceipt?) {
        let queue: any DatabaseWriter
        switch target {
        case .region(let region): queue = try store(region).pool
        case .control: queue = control.queue
        }
        return try write(target, on: queue, context: context, body, entry: entry, afterAppend: afterAppend)
    }

    /// ``write(_:context:_:entry:)`` on a given store's writer: for a store the vault
    /// does not serve yet (`cordon store restore`).
    @discardableResult
    func write<T: Sendable>(
        _ target: AnchoredStore,
        on queue: some DatabaseWriter,
        context: AccessContext,
        _ body: (Connection) throws -> T,
        entry: (T) throws -> AuditRecord?,
        afterAppend: (Connection, T, AuditReceipt) throws -> Void = { _, _, _ in }
    ) throws -> (value: T, receipt: AuditReceipt?) {
        // A failed write to this store that the trail has not yet disowned must be
        // disowned first: this write would claim the same commit.
        try recordPendingCorrections()
        var written: (record: AuditRecord, receipt: AuditReceipt, previous: StoreAnchor, next: StoreAnchor)?
        /// Follows the written entry with one that says the write did not happen.
        func recordAborted(_ reason: String) {
            guard let written else { return }
            var aborted = written.record
            aborted.outcome = .aborted
            aborted.reason = reason
            aborted.details.merge(target.details(written.previous)) { _, anchor in anchor }
            aborted.details["aborts"] = .integer(Int64(written.receipt.sequence))
            aborted.details["abortedBatch"] = .integer(written.next.batch)
            // If this append fails too (one full volume for both), it is made before any
            // other entry, or the next open finds the store one commit behind the entry
            // above and records it as recovered.
            recordCorrection(aborted, context: context)
        }
        do {
            let value = try queue.write(
                { db -> T in
                    let value = try body(db)
                    guard var record = try entry(value) else { return value }
                    let (previous, next) = try StoreState.advance(in: db)
                    record.details.merge(target.details(next)) { _, anchor in anchor }
                    let receipt = try self.record(context, record)
                    written = (record, receipt, previous, next)
                    do {
                        try afterAppend(db, value, receipt)
                    } catch {
                        recordAborted(
                            "the write failed after its audit entry (\(Self.reasonCode(error))); it was rolled back and did not happen"
                        )
                        written = nil
                        throw error
                    }
                    return value
                },
                onCommitFailure: { error in
                    // Not confirmed at close: the aborted entry is the word on this store.
                    _ = self.committedAnchors.withLock { $0.removeValue(forKey: target) }
                    recordAborted("COMMIT failed (\(error.code)); the write was rolled back and did not happen")
                }
            )
            if let written { committedAnchors.withLock { $0[target] = written.next } }
            return (value, written?.receipt)
        } catch let error as StoreError {
            let failure = VaultError(storing: error, in: target)
            if case .region(let region) = target { takeOutOfService(region, because: failure) }
            throw failure
        }
    }

    /// A short, data-free name for why a step failed, for an `aborted` entry's reason.
    static func reasonCode(_ error: any Error) -> String {
        switch error {
        case let error as StoreError: "\(error.code)"
        case let error as VaultError: error.code.name
        case let error as ControlError: error.code.name
        default: "\(type(of: error))"
        }
    }
}
