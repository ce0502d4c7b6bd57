import Dispatch
import Synchronization

/// The queries being computed right now, by release key: an identical query that arrives
/// meanwhile waits for the first instead of computing (and paying for) its own release.
///
/// A caller takes a ``Lease`` on its key before it looks for a stored release; while
/// another caller holds the lease it waits, then looks again — and finds the release the
/// first stored, so it is answered for free (`cached: true`, nothing spent). If the first
/// failed (its budget, an unavailable region), nothing was stored and the next caller
/// computes on its own: a waiter never inherits a failure that was not its own.
final class InFlightQueries: Sendable {
    /// One group per key being computed: entered by its leaseholder, left on release.
    private let running = Mutex<[String: DispatchGroup]>([:])

    init() {}

    /// Holds a key until ``release()``; release exactly once (`defer`).
    struct Lease: Sendable {
        fileprivate let key: String
        fileprivate let group: DispatchGroup
        fileprivate let owner: InFlightQueries

        /// Lets the next caller with this key go (it will find the stored release, if any).
        func release() {
            owner.running.withLock { _ = $0.removeValue(forKey: key) }
            group.leave()
        }
    }

    /// Waits until no other caller holds `key`, then holds it.
    func lease(_ key: String) -> Lease {
        while true {
            let (group, leads) = running.withLock { running -> (DispatchGroup, Bool) in
                if let group = running[key] { return (group, false) }
                let group = DispatchGroup()
                group.enter()
                running[key] = group
                return (group, true)
            }
            if leads { return Lease(key: key, group: group, owner: self) }
            group.wait()
        }
    }

    /// How many keys are held right now (tests).
    var count: Int { running.withLock { $0.count } }
}

extension BudgetLedger.ReleaseKey {
    /// The key of identical queries in flight: the columns ``BudgetLedger/released(_:)``
    /// looks a stored release up by, so two queries wait for each other exactly when the
    /// second would be answered by the first's release.
    var inFlightKey: String {
        [analyst, queryHash, purpose.rawValue, parameters, periodKey].joined(separator: "\u{0}")
    }
}
