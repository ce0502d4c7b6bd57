import Synchronization

/// One caller's entries waiting in the group commit, their numbering and their encoding.
///
/// The caller allocates it before taking the writer lock; under the lock the group commit
/// only stamps the first sequence number and the time (``number(firstSequence:time:)``),
/// so the lock every appender takes is held for a few instructions, never for an
/// allocation, an encoding or any I/O. The caller then encodes and hashes its own entries
/// while the current batch is being written and synced, so the next leader only
/// concatenates bytes. Whoever comes first encodes (the caller, or a leader that got there
/// before it); the other finds the result, so no one waits for a caller that has not been
/// scheduled yet.
// @unchecked Sendable: `firstSequence` and `time` are written once, by
// `GroupCommitState.enqueue` under the audit log's writer lock, before the append is put
// in the queue; they are read only by the caller after that lock was released, or by a
// leader that took the append out of the queue under the same lock. The encoding is
// behind its own mutex.
final class PendingAppend: @unchecked Sendable {
    /// The entries' lines, hashes and receipts.
    struct Encoded: Sendable {
        /// Every line followed by its `\n`.
        var bytes: [UInt8] = []
        var leafHashes: [[UInt8]] = []
        /// Line lengths including the `\n`.
        var lineLengths: [Int] = []
        var receipts: [AuditReceipt] = []
    }

    let ticket: CommitTicket
    let events: [AuditEvent]
    /// The sequence number of the first entry (the others follow it).
    private(set) var firstSequence: UInt64 = 0
    /// The time of every entry of this append.
    private(set) var time = AuditTimestamp(millisecondsSince1970: 0)
    private let encoding = Mutex<Encoded?>(nil)

    init(ticket: CommitTicket, events: [AuditEvent]) {
        self.ticket = ticket
        self.events = events
    }

    /// One already numbered entry (the recovery entry, written outside the queue).
    convenience init(entry: AuditEntry) {
        self.init(ticket: CommitTicket(), events: [entry.event])
        number(firstSequence: entry.sequence, time: entry.time)
    }

    /// Stamps the numbering; called once, under the writer lock, before the append is queued.
    func number(firstSequence: UInt64, time: AuditTimestamp) {
        self.firstSequence = firstSequence
        self.time = time
    }

    /// The numbered entries.
    var entries: [AuditEntry] {
        events.enumerated().map {
            AuditEntry(sequence: firstSequence + UInt64($0.offset), time: time, event: $0.element)
        }
    }

    /// The canonical lines and leaf hashes of the entries, computed once.
    func encoded() -> Encoded {
        encoding.withLock { slot in
            if let done = slot { return done }
            var result = Encoded()
            result.leafHashes.reserveCapacity(events.count)
            result.lineLengths.reserveCapacity(events.count)
            result.receipts.reserveCapacity(events.count)
            for entry in entries {
                let line = entry.canonicalBytes()
                let hash = MerkleHasher.leafHash(line)
                result.bytes.reserveCapacity(events.count * (line.count + 1))
                result.bytes += line
                result.bytes.append(0x0A)
                result.leafHashes.append(hash)
                result.lineLengths.append(line.count + 1)
                result.receipts.append(AuditReceipt(sequence: entry.sequence, leafHash: hash, time: entry.time))
            }
            slot = result
            return result
        }
    }
}
