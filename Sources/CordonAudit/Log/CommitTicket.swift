import Dispatch
import Synchronization

/// How one caller's entries left the group commit.
enum CommitOutcome: Sendable {
    /// The caller becomes the leader and writes the next batch.
    case lead
    /// The entries are durable.
    case committed([AuditReceipt])
    /// Nothing was acknowledged.
    case failed(AuditError)
}

/// A waiting caller of ``AuditLog/append(_:)``: the leader resolves it, the caller waits on it.
final class CommitTicket: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let outcome = Mutex<CommitOutcome?>(nil)

    /// Hands `outcome` to the waiting caller.
    func resolve(_ value: CommitOutcome) {
        outcome.withLock { $0 = value }
        semaphore.signal()
    }

    /// Blocks until resolved, then consumes the outcome.
    func wait() -> CommitOutcome {
        semaphore.wait()
        return outcome.withLock { value in
            let result = value!
            value = nil
            return result
        }
    }
}
