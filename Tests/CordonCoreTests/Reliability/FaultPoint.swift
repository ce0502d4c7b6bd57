import CordonStore
import Foundation
import Glibc

@testable import CordonCore

/// One place a write path can meet a failing disk: the n-th call of one kind, in one of
/// the three layers Cordon writes through, failing one way, once or from then on.
struct FaultPoint: Sendable, Hashable, CustomStringConvertible {
    /// Which system call, in which layer.
    enum Site: Sendable, Hashable, CustomStringConvertible {
        /// A SQLite VFS call on a store (region stores, `control.db`), under the sealing VFS.
        case store(FaultInjection.Call)
        /// A step of a durable file write (keyrings, `cordon.json`, master key, restore copy).
        case file(DurableFileFaults.Step)
        /// The audit log's write or fsync (entries, checkpoints).
        case audit(AuditFaults.Call)

        var description: String {
            switch self {
            case .store(let call): "store \(call)"
            case .file(let step): "file \(step)"
            case .audit(let call): "audit \(call.rawValue)"
            }
        }

        static let all: [Site] =
            FaultInjection.Call.allCases.map(Site.store) + DurableFileFaults.Step.allCases.map(Site.file)
            + AuditFaults.Call.allCases.map(Site.audit)

        /// The ways this site can fail (as a disk fails it: no ENOSPC on a read or a lock,
        /// only writes are short).
        var kinds: [FaultKind] {
            switch self {
            case .store(let call): FaultKind.allCases.filter { FaultInjection.supports($0.sqlite, on: call) }
            case .file: [.eio, .enospc]
            case .audit(.write): FaultKind.allCases
            case .audit(.sync): [.eio, .enospc]
            }
        }
    }

    var site: Site
    /// The call fails after this many matching calls went through.
    var index: Int
    var kind: FaultKind
    var persistent: Bool

    var description: String {
        "\(site) #\(index + 1) \(kind) \(persistent ? "from then on" : "once")"
    }

    /// Every point of an operation whose calls were counted.
    static func enumerate(_ counts: [Site: Int]) -> [FaultPoint] {
        var points: [FaultPoint] = []
        for site in Site.all {
            for index in 0..<(counts[site] ?? 0) {
                for kind in site.kinds {
                    for persistent in [false, true] {
                        points.append(FaultPoint(site: site, index: index, kind: kind, persistent: persistent))
                    }
                }
            }
        }
        return points
    }
}

/// Counts every call an operation makes, per site, on one data directory.
final class CallCounter {
    private let stores: [(FaultInjection.Call, FaultInjection.Rule)]
    private let files: [(DurableFileFaults.Step, DurableFileFaults.Rule)]
    private let audit: AuditFaults

    init(directory: URL, audit: AuditFaults) {
        stores = FaultInjection.Call.allCases.map { ($0, FaultInjection.count([$0], under: directory)) }
        files = DurableFileFaults.Step.allCases.map { ($0, DurableFileFaults.count([$0], under: directory)) }
        self.audit = audit
        auditBase = AuditFaults.Call.allCases.map { audit.calls($0) }
    }

    private let auditBase: [Int]

    /// The calls counted so far; stops counting.
    func finish() -> [FaultPoint.Site: Int] {
        var counts: [FaultPoint.Site: Int] = [:]
        for (call, rule) in stores {
            counts[.store(call)] = rule.matchedCalls
            rule.disarm()
        }
        for (step, rule) in files {
            counts[.file(step)] = rule.matchedCalls
            rule.disarm()
        }
        for (offset, call) in AuditFaults.Call.allCases.enumerated() {
            counts[.audit(call)] = audit.calls(call) - auditBase[offset]
        }
        return counts
    }
}

/// An armed fault point; ``disarm()`` lets every call through again.
final class ArmedFault {
    private var store: FaultInjection.Rule?
    private var file: DurableFileFaults.Rule?
    private let audit: AuditFaults

    init(_ point: FaultPoint, directory: URL, audit: AuditFaults) {
        self.audit = audit
        let repetition: FaultInjection.Repetition = point.persistent ? .persistent : .once
        switch point.site {
        case .store(let call):
            store = FaultInjection.arm(call, point.kind.sqlite, repetition, under: directory, after: point.index)
        case .file(let step):
            file = DurableFileFaults.arm(
                [step],
                errno: point.kind.errno,
                repetition,
                under: directory,
                after: point.index
            )
        case .audit(let call):
            audit.arm(call, point.kind, persistent: point.persistent, after: point.index)
        }
    }

    /// How many calls the fault failed.
    var failedCalls: Int { store?.failedCalls ?? file?.failedCalls ?? 0 }

    func disarm() {
        store?.disarm()
        file?.disarm()
        audit.disarm()
    }
}
