import Foundation
import Glibc
import Synchronization

@testable import CordonAudit

/// System calls that fail on demand: running as root, permissions cannot make a write fail.
///
/// `writeErrno` and `syncErrno` fail every call while set. ``arm(_:_:persistent:)`` fails
/// the next call of one kind (or every one until ``clear()``), including a short write:
/// half the bytes reach the file and the next `write` says `ENOSPC`, as when a disk fills
/// up in the middle of a batch.
final class FaultyFileOperations: AuditFileOperations {
    enum Call: Sendable, CustomStringConvertible {
        case write, sync
        var description: String { self == .write ? "write" : "sync" }
    }

    enum Failure: Sendable, CustomStringConvertible {
        case eio, enospc, shortWrite
        var description: String {
            switch self {
            case .eio: "EIO"
            case .enospc: "ENOSPC"
            case .shortWrite: "a short write"
            }
        }
    }

    private struct Fault {
        var call: Call
        var failure: Failure
        var persistent: Bool
    }

    /// When set, every `sync` fails with this errno; `write` fails with `writeErrno`.
    let syncErrno = Atomic<Int32>(0)
    let writeErrno = Atomic<Int32>(0)
    let syncs = Atomic<Int>(0)
    let writes = Atomic<Int>(0)
    let syncDelayMicroseconds: UInt32
    /// ``failSync(number:)``'s target; 0 fails none.
    private let failingSyncNumber = Atomic<Int>(0)
    private let fault = Mutex<Fault?>(nil)
    /// After a short write, the caller's next write of the rest finds the disk full.
    private let diskFullAfterShortWrite = Atomic<Bool>(false)

    init(syncDelayMicroseconds: UInt32 = 0) { self.syncDelayMicroseconds = syncDelayMicroseconds }

    /// Fails the next `call` with `failure`, or every one until ``clear()`` when `persistent`.
    func arm(_ call: Call, _ failure: Failure, persistent: Bool) {
        precondition(failure != .shortWrite || call == .write, "only a write can be short")
        fault.withLock { $0 = Fault(call: call, failure: failure, persistent: persistent) }
    }

    /// The disk works again.
    func clear() {
        fault.withLock { $0 = nil }
        diskFullAfterShortWrite.store(false, ordering: .relaxed)
        writeErrno.store(0, ordering: .relaxed)
        syncErrno.store(0, ordering: .relaxed)
    }

    /// The armed failure for `call`, consumed unless persistent.
    private func take(_ call: Call) -> Failure? {
        fault.withLock { armed in
            guard let current = armed, current.call == call else { return nil }
            if !current.persistent { armed = nil }
            return current.failure
        }
    }

    func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> (Int, Int32) {
        writes.add(1, ordering: .relaxed)
        let code = writeErrno.load(ordering: .relaxed)
        if code != 0 { return (-1, code) }
        if diskFullAfterShortWrite.exchange(false, ordering: .relaxed) { return (-1, ENOSPC) }
        switch take(.write) {
        case .eio?: return (-1, EIO)
        case .enospc?: return (-1, ENOSPC)
        case .shortWrite?:
            let half = max(1, buffer.count / 2)
            diskFullAfterShortWrite.store(true, ordering: .relaxed)
            return SystemFileOperations().write(descriptor, UnsafeRawBufferPointer(rebasing: buffer[..<half]))
        case nil:
            return SystemFileOperations().write(descriptor, buffer)
        }
    }

    /// Fails the `n`th `sync` (counting from 1) with `EIO`, once.
    func failSync(number n: Int) {
        failingSyncNumber.store(n, ordering: .relaxed)
    }

    func sync(_ descriptor: Int32) -> Int32 {
        let number = syncs.add(1, ordering: .relaxed).newValue
        if syncDelayMicroseconds > 0 { usleep(syncDelayMicroseconds) }
        if number == failingSyncNumber.load(ordering: .relaxed) { return EIO }
        let code = syncErrno.load(ordering: .relaxed)
        if code != 0 { return code }
        switch take(.sync) {
        case .eio?: return EIO
        case .enospc?: return ENOSPC
        case .shortWrite?, nil: return SystemFileOperations().sync(descriptor)
        }
    }
}
