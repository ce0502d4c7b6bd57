import Synchronization

/// One caller's numbered entries waiting in the group commit, and their encoding.
///
/// The caller encodes and hashes its own entries right after they are numbered, while the
/// current batch is being written and synced, so the next leader only concatenates bytes.
/// Whoever comes first encodes (the caller, or a leader that got there before it); the
/// other finds the result, so no one waits for a caller that has not been scheduled yet.
final class PendingAppend: Sendable {
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
    let entries: [AuditEntry]
    private let encoding = Mutex<Encoded?>(nil)

    init(ticket: CommitTicket, entries: [AuditEntry]) {
        self.ticket = ticket
        self.entries = entries
    }

    /// The canonical lines and leaf hashes of the entries, computed once.
    func encoded() -> Encoded {
        encoding.withLock { slot in
            if let done = slot { return done }
            var result = Encoded()
            result.leafHashes.reserveCapacity(entries.count)
            for entry in entries {
                let line = entry.canonicalBytes()
                let hash = MerkleHasher.leafHash(line)
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
