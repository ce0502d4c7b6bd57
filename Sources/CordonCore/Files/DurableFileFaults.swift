package import CordonStore
package import Foundation
import Synchronization

/// Makes Cordon's own durable file operations (``DurableFile``: keyrings, `cordon.json`,
/// the master key, restore copies) fail on purpose for the files under one directory: a
/// test facility, the twin of CordonStore's ``FaultInjection`` for the files SQLite does
/// not write, so key rotation, page-key rotation and restore can be failed at each step.
///
/// With nothing armed a step costs one atomic load. Rules are process-wide but match only
/// paths at or under their directory, so tests running in parallel each arm faults for
/// their own temporary directory. A rule counts the steps it matches, so a test can count
/// an operation's steps, then fail each in turn:
///
/// ```swift
/// let steps = DurableFileFaults.count(Set(DurableFileFaults.Step.allCases), under: data)
/// _ = try keys.rotateMaster(source: source)                 // how many durable steps?
/// for skip in 0..<steps.matchedCalls {
///     let fault = DurableFileFaults.arm(Set(DurableFileFaults.Step.allCases), errno: ENOSPC, .once,
///                                       under: copy(), after: skip)
///     ...
/// }
/// ```
///
/// - Warning: a test facility. An armed rule makes real writes under its directory fail;
///   nothing in Cordon arms one.
package enum DurableFileFaults {
    /// A system call of a durable write.
    package enum Step: Sendable, CaseIterable, CustomStringConvertible {
        /// `open(O_CREAT)` of a new file (a temporary sibling, or an exclusive create).
        case create
        /// `write(2)` of its bytes.
        case write
        /// `fsync(2)` of the file.
        case fsync
        /// `rename(2)` into place.
        case rename
        /// `fsync(2)` of the directory that makes a create, rename or delete durable.
        case syncDirectory
        /// `unlink(2)`.
        case remove

        package var description: String {
            switch self {
            case .create: "create"
            case .write: "write"
            case .fsync: "fsync"
            case .rename: "rename"
            case .syncDirectory: "fsync directory"
            case .remove: "delete"
            }
        }
    }

    /// An armed rule: disarmed by ``disarm()`` or when released.
    package final class Rule: Sendable {
        fileprivate let id: Int

        fileprivate init(id: Int) { self.id = id }

        deinit { DurableFileFaults.remove(id) }

        /// Steps the rule matched so far (failed or not).
        package var matchedCalls: Int { DurableFileFaults.state(id)?.matched ?? 0 }

        /// Steps it failed so far.
        package var failedCalls: Int { DurableFileFaults.state(id)?.failed ?? 0 }

        /// Stops failing and counting.
        package func disarm() { DurableFileFaults.remove(id) }
    }

    /// Fails `steps` on the files under `directory` with `errno` (`EIO`, `ENOSPC`, ...):
    /// the step after the first `after` matching ones, and with `.persistent` every one
    /// from then on.
    package static func arm(
        _ steps: Set<Step>,
        errno code: Int32,
        _ repetition: FaultInjection.Repetition,
        under directory: URL,
        after: Int = 0
    ) -> Rule {
        precondition(code > 0, "a fault fails with an errno")
        return add(steps: steps, errno: code, persistent: repetition == .persistent, directory: directory, skip: after)
    }

    /// Counts `steps` on the files under `directory` without failing any.
    package static func count(_ steps: Set<Step>, under directory: URL) -> Rule {
        add(steps: steps, errno: 0, persistent: false, directory: directory, skip: 0)
    }

    /// The errno to fail `step` on `url` with, or nil to go ahead: what ``DurableFile``
    /// asks before each system call.
    static func failure(_ step: Step, at url: URL) -> Int32? {
        guard armed.load(ordering: .acquiring) > 0 else { return nil }
        let path = url.standardizedFileURL.path
        return rules.withLock { rules in
            var failure: Int32?
            for index in rules.indices where rules[index].matches(step, path) {
                rules[index].matched += 1
                let rule = rules[index]
                guard failure == nil, rule.errno != 0, rule.matched > rule.skip, rule.persistent || rule.failed == 0
                else { continue }
                rules[index].failed += 1
                failure = rule.errno
            }
            return failure
        }
    }

    // MARK: Rules

    fileprivate struct State: Sendable {
        var id: Int
        var prefix: String
        var steps: Set<Step>
        /// 0 for a rule that only counts.
        var errno: Int32
        var persistent: Bool
        var skip: Int
        var matched = 0
        var failed = 0

        /// Whether `path` is the rule's directory or under it.
        func matches(_ step: Step, _ path: String) -> Bool {
            steps.contains(step) && (path == prefix || path.hasPrefix(prefix.hasSuffix("/") ? prefix : prefix + "/"))
        }
    }

    /// The number of rules: the only thing a step reads while nothing is armed.
    private static let armed = Atomic<Int>(0)
    private static let rules = Mutex<[State]>([])
    private static let lastID = Atomic<Int>(0)

    private static func add(steps: Set<Step>, errno: Int32, persistent: Bool, directory: URL, skip: Int) -> Rule {
        let id = lastID.add(1, ordering: .relaxed).newValue
        let state = State(
            id: id,
            prefix: directory.standardizedFileURL.path,
            steps: steps,
            errno: errno,
            persistent: persistent,
            skip: max(0, skip)
        )
        rules.withLock { $0.append(state) }
        armed.add(1, ordering: .releasing)
        return Rule(id: id)
    }

    fileprivate static func remove(_ id: Int) {
        let removed = rules.withLock { rules in
            guard let index = rules.firstIndex(where: { $0.id == id }) else { return false }
            rules.remove(at: index)
            return true
        }
        if removed { armed.subtract(1, ordering: .releasing) }
    }

    fileprivate static func state(_ id: Int) -> State? {
        rules.withLock { rules in rules.first { $0.id == id } }
    }
}
