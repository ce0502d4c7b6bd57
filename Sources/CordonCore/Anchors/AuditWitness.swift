import CordonAudit
import CordonCrypto
import CordonStore
import Dispatch
import Foundation
import Synchronization

/// Keeps the size and root of the newest checkpoint the audit log signed in `control.db`
/// (`audit_witness`), so a trail later found shorter — its last entries and every
/// checkpoint file deleted — or rewritten below that size is refused on open.
///
/// `control.db` is encrypted and itself anchored in the trail, so the witness cannot be
/// edited, and removing or rolling it back is caught by its own anchor. Only a rollback of
/// the whole data directory to one consistent older copy escapes both; a checkpoint saved
/// off the machine catches that (`cordon audit verify --checkpoint FILE`).
///
/// Writes happen on a serial queue of their own, after the checkpoint is stored: the log
/// signs checkpoints from threads that may hold `control.db` (a query's budget
/// transaction), so writing inline could deadlock.
final class AuditWitness: Sendable {
    private let queue = DispatchQueue(label: "cordon.audit.witness")
    private let state = Mutex<(control: ControlStore?, pending: Checkpoint?)>((nil, nil))

    /// Where witnesses are written from now on.
    func attach(_ control: ControlStore) {
        state.withLock { $0.control = control }
    }

    /// The log's `onCheckpoint` hook: remembers the checkpoint and writes it soon.
    func checkpointSigned(_ checkpoint: Checkpoint) {
        state.withLock { $0.pending = checkpoint }
        queue.async { [self] in flush() }
    }

    /// Writes any pending witness now (on close, and in tests).
    func drain() {
        queue.sync {}
        flush()
    }

    private func flush() {
        let (control, pending) = state.withLock { state in
            defer { if state.control != nil { state.pending = nil } }
            return (state.control, state.pending)
        }
        guard let control, let pending else { return }
        // Best effort: a witness is a second line of defence behind the anchors; a write
        // that fails now is made good by the next checkpoint.
        _ = try? control.write("witness an audit checkpoint") { db in
            try db.execute(
                """
                INSERT INTO audit_witness(id, tree_size, root_hash, recorded_at)
                VALUES (1, \(Int64(pending.treeSize)), \(pending.rootHash), \(Int64(Date().timeIntervalSince1970)))
                ON CONFLICT(id) DO UPDATE SET tree_size = excluded.tree_size, root_hash = excluded.root_hash,
                  recorded_at = excluded.recorded_at
                WHERE excluded.tree_size > audit_witness.tree_size
                """
            )
        }
    }

    /// The witnessed checkpoint's size and root, if one was recorded.
    static func read(from control: ControlStore) throws -> (treeSize: UInt64, rootHash: [UInt8])? {
        try control.read("read the audit witness") { db in
            try db.query("SELECT tree_size, root_hash FROM audit_witness WHERE id = 1").first.map { row in
                (UInt64(try row.get(Int64.self, at: 0)), try row.get([UInt8].self, at: 1))
            }
        }
    }
}
