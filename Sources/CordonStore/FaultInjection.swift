internal import CSQLiteVFS
package import Foundation

/// Makes SQLite's file operations on the stores under one directory fail on purpose: a
/// test facility for the paths a failing or full disk takes.
///
/// A fault layer sits under every store's sealing VFS, just above the unix VFS, so an
/// injected failure meets sealed bytes where a real disk would: a short write leaves half
/// a sealed page in the file. SQLite then sees the result code the unix VFS gives for the
/// same errno (see ``Failure``). With nothing armed the layer costs one atomic load per call.
///
/// Rules are process-wide but match only files at or under their directory, so tests
/// running in parallel each arm faults for their own temporary directory. A rule counts
/// the calls it matches, so a test can count an operation's calls, then fail each in turn:
///
/// ```swift
/// let writes = FaultInjection.count([.write], under: directory)
/// try insertBatch()                                 // how many writes does a commit make?
/// let total = writes.matchedCalls
/// for skip in 0..<total {
///     let fault = FaultInjection.arm(.write, .enospc, .once, under: copy(), after: skip)
///     #expect(throws: StoreError.self) { try insertBatch() }
///     fault.disarm()
/// }
/// ```
///
/// - Warning: a test facility. An armed rule makes real stores under its directory fail;
///   nothing in Cordon arms one.
package enum FaultInjection {
    /// A VFS call a rule can fail. `lock` is the file lock (`xLock`), which a WAL
    /// connection takes once, at its first read; the WAL-index locks are not faulted.
    package enum Call: Sendable, CaseIterable, CustomStringConvertible {
        case read, write, sync, truncate, lock, open

        var mask: Int32 {
            switch self {
            case .read: CORDON_FAULT_READ
            case .write: CORDON_FAULT_WRITE
            case .sync: CORDON_FAULT_SYNC
            case .truncate: CORDON_FAULT_TRUNCATE
            case .lock: CORDON_FAULT_LOCK
            case .open: CORDON_FAULT_OPEN
            }
        }

        package var description: String {
            switch self {
            case .read: "read"
            case .write: "write"
            case .sync: "fsync"
            case .truncate: "truncate"
            case .lock: "lock"
            case .open: "open"
            }
        }
    }

    /// What the disk does, answered as the unix VFS answers it: `EIO` is
    /// `SQLITE_IOERR_READ`/`_WRITE`/`_FSYNC`/`_TRUNCATE`/`_LOCK` (``StoreError/Code/ioError``);
    /// `ENOSPC` from a write is `SQLITE_FULL` (``StoreError/Code/full``) but from an fsync
    /// or a truncate `SQLITE_IOERR_*` (the unix VFS does not tell them apart); a failed
    /// open is `SQLITE_CANTOPEN` either way.
    package enum Failure: Sendable, CaseIterable, CustomStringConvertible {
        /// An I/O error.
        case eio
        /// No space left on the device (writes, fsyncs, truncates, opens).
        case enospc
        /// A write that stops half way (the disk filled up): half the bytes reach the
        /// file, the call reports `SQLITE_FULL`. Writes only.
        case shortWrite

        var code: Int32 {
            switch self {
            case .eio: CORDON_FAULT_EIO
            case .enospc: CORDON_FAULT_ENOSPC
            case .shortWrite: CORDON_FAULT_SHORT_WRITE
            }
        }

        package var description: String {
            switch self {
            case .eio: "EIO"
            case .enospc: "ENOSPC"
            case .shortWrite: "a short write"
            }
        }
    }

    /// Whether a rule fails one call or every matching call until disarmed.
    package enum Repetition: Sendable, CaseIterable {
        case once
        case persistent
    }

    /// The files a rule applies to.
    package struct FileKinds: OptionSet, Sendable {
        package let rawValue: Int32
        package init(rawValue: Int32) { self.rawValue = rawValue }

        package static let mainDatabase = FileKinds(rawValue: CORDON_FAULT_MAIN_DB)
        package static let wal = FileKinds(rawValue: CORDON_FAULT_WAL)
        package static let journal = FileKinds(rawValue: CORDON_FAULT_JOURNAL)
        /// Sorter spills, temporary tables, statement journals.
        package static let temporary = FileKinds(rawValue: CORDON_FAULT_TEMP)
        package static let all: FileKinds = [
            .mainDatabase, .wal, .journal, .temporary, FileKinds(rawValue: CORDON_FAULT_OTHER),
        ]
    }

    /// An armed rule: disarmed by ``disarm()`` or when released.
    package final class Rule: Sendable {
        private let id: Int64

        fileprivate init(id: Int64) { self.id = id }

        deinit { cordon_fault_disarm(id) }

        /// Calls the rule matched so far (failed or not).
        package var matchedCalls: Int { counts.matched }

        /// Calls it failed so far.
        package var failedCalls: Int { counts.failed }

        /// Stops failing and counting; calls from now on pass.
        package func disarm() { cordon_fault_disarm(id) }

        private var counts: (matched: Int, failed: Int) {
            var matched: UInt64 = 0
            var failed: UInt64 = 0
            _ = cordon_fault_counts(id, &matched, &failed)
            return (Int(matched), Int(failed))
        }
    }

    /// Whether `failure` can happen on `call`: `ENOSPC` is not something a read or a lock
    /// returns, and only a write can be short.
    package static func supports(_ failure: Failure, on call: Call) -> Bool {
        cordon_fault_supports(call.mask, failure.code) != 0
    }

    /// Fails `call` on the files under `directory` with `failure`: the call after the
    /// first `after` matching ones, and with `.persistent` every one from then on.
    ///
    /// Traps for a combination ``supports(_:on:)`` rejects (a bug in the test).
    package static func arm(
        _ call: Call,
        _ failure: Failure,
        _ repetition: Repetition,
        under directory: URL,
        kinds: FileKinds = .all,
        after: Int = 0
    ) -> Rule {
        precondition(supports(failure, on: call), "\(call) cannot fail with \(failure)")
        return rule(
            calls: call.mask,
            failure: failure.code,
            persistent: repetition == .persistent,
            directory: directory,
            kinds: kinds,
            skip: after
        )
    }

    /// Counts `calls` on the files under `directory` without failing any.
    package static func count(_ calls: Set<Call>, under directory: URL, kinds: FileKinds = .all) -> Rule {
        rule(
            calls: calls.reduce(0) { $0 | $1.mask },
            failure: CORDON_FAULT_COUNT_ONLY,
            persistent: false,
            directory: directory,
            kinds: kinds,
            skip: 0
        )
    }

    private static func rule(
        calls: Int32,
        failure: Int32,
        persistent: Bool,
        directory: URL,
        kinds: FileKinds,
        skip: Int
    ) -> Rule {
        // SQLite names files by absolute path with symbolic links resolved.
        let prefix = directory.resolvingSymlinksInPath().standardizedFileURL.path
        let id = cordon_fault_arm(prefix, calls, kinds.rawValue, failure, persistent ? 1 : 0, UInt64(max(0, skip)))
        precondition(id != 0, "64 fault rules are armed at once: a test does not release its rules")
        precondition(id > 0, "cannot arm a fault rule for \(prefix)")
        return Rule(id: id)
    }
}
