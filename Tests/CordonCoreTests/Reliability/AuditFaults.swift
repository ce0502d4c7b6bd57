import CordonAudit
import Glibc
import Synchronization

/// The audit log's system calls for one vault, counted, with one chosen call failing: the
/// log's own seam (`AuditConfiguration.fileOperations`), so the fault is scoped to the vault
/// that was opened with it.
///
/// A short write puts half the bytes in the file and reports success; the caller's write of
/// the rest then finds the disk full (`ENOSPC`), as when a volume fills in mid-batch.
final class AuditFaults: AuditFileOperations {
    enum Call: String, Sendable, CaseIterable {
        case write, sync
    }

    private struct Rule {
        var call: Call
        var failure: FaultKind
        var persistent: Bool
        var skip: Int
        var matched = 0
        var failed = 0
    }

    private let rule = Mutex<Rule?>(nil)
    private let writes = Atomic<Int>(0)
    private let syncs = Atomic<Int>(0)
    private let fullAfterShortWrite = Atomic<Bool>(false)

    /// Calls made so far (every call counts, failed or not).
    func calls(_ call: Call) -> Int {
        call == .write ? writes.load(ordering: .relaxed) : syncs.load(ordering: .relaxed)
    }

    /// Fails `call` after the first `skip` ones from now on: once, or every one until ``disarm()``.
    func arm(_ call: Call, _ failure: FaultKind, persistent: Bool, after skip: Int) {
        precondition(failure != .shortWrite || call == .write, "only a write can be short")
        rule.withLock { $0 = Rule(call: call, failure: failure, persistent: persistent, skip: skip) }
    }

    /// The disk works again.
    func disarm() {
        rule.withLock { $0 = nil }
        fullAfterShortWrite.store(false, ordering: .relaxed)
    }

    /// The failure for this call of `call`, if the rule fails it.
    private func take(_ call: Call) -> FaultKind? {
        rule.withLock { rule in
            guard var current = rule, current.call == call else { return nil }
            current.matched += 1
            defer { rule = current }
            guard current.matched > current.skip, current.persistent || current.failed == 0 else { return nil }
            current.failed += 1
            return current.failure
        }
    }

    func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> (Int, Int32) {
        writes.add(1, ordering: .relaxed)
        if fullAfterShortWrite.exchange(false, ordering: .relaxed) { return (-1, ENOSPC) }
        switch take(.write) {
        case .eio?: return (-1, EIO)
        case .enospc?: return (-1, ENOSPC)
        case .shortWrite?:
            fullAfterShortWrite.store(true, ordering: .relaxed)
            return SystemFileOperations().write(
                descriptor,
                UnsafeRawBufferPointer(rebasing: buffer[..<max(1, buffer.count / 2)])
            )
        case nil:
            return SystemFileOperations().write(descriptor, buffer)
        }
    }

    func sync(_ descriptor: Int32) -> Int32 {
        syncs.add(1, ordering: .relaxed)
        switch take(.sync) {
        case .eio?: return EIO
        case .enospc?: return ENOSPC
        case .shortWrite?, nil: return SystemFileOperations().sync(descriptor)
        }
    }
}
