import CordonAudit
import Dispatch
import Foundation
import Synchronization
import Testing

@testable import CordonCore

@Suite("Identical queries in flight", .serialized)
struct InFlightQueryTests {
    @Test func thirtyConcurrentIdenticalQueriesAreComputedAndChargedOnce() throws {
        let fixture = try QueryFixture()
        try fixture.population("s", count: 60, channel: "search")
        try fixture.population("e", count: 60, channel: "email")
        let text = "SELECT channel, COUNT(DISTINCT subject) FROM events WHERE country = 'DE' GROUP BY channel"
        let answers = Mutex<[Result<QueryAnswer, any Error>]>([])
        let vault = fixture.vault!
        let context = fixture.context
        // Thirty threads of their own (not a pool as wide as the cores), released together.
        let start = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for _ in 0..<30 {
            finished.enter()
            Thread.detachNewThread {
                start.wait()
                let result = Result {
                    try vault.query(
                        text,
                        purpose: .analytics,
                        analyst: "ana",
                        context: context,
                        options: QueryOptions(now: QueryFixture.now)
                    )
                }
                answers.withLock { $0.append(result) }
                finished.leave()
            }
        }
        for _ in 0..<30 { start.signal() }
        finished.wait()
        let all = try answers.withLock { try $0.map { try $0.get() } }
        #expect(all.count == 30)
        #expect(all.filter { !$0.privacy.cached }.count == 1)
        #expect(Set(all.map(\.rows)).count == 1)
        #expect(Set(all.map(\.privacy.releasedAt)).count == 1)
        let budget = try vault.budget(analyst: "ana", context: context, now: QueryFixture.now)
        let eu = try #require(budget.regions.first { $0.region == "eu" })
        #expect(eu.queries == 1)
        #expect(eu.spent == all.first { !$0.privacy.cached }!.privacy.epsilonSpent["eu"])
        let runs = try vault.audit.entries(in: 0..<vault.audit.treeSize).filter {
            $0.event.action == "query.run" && $0.event.outcome == .ok
        }
        #expect(runs.count == 30)
        #expect(vault.queriesInFlight.count == 0)
    }

    @Test func aWaiterWhoseLeaderStoredNothingTakesTheLeaseItself() {
        let queries = InFlightQueries()
        let leader = queries.lease("k")
        let waiterLeased = Mutex(false)
        let done = DispatchGroup()
        done.enter()
        DispatchQueue.global().async {
            let lease = queries.lease("k")
            waiterLeased.withLock { $0 = true }
            lease.release()
            done.leave()
        }
        leader.release()
        done.wait()
        #expect(waiterLeased.withLock { $0 })
        #expect(queries.count == 0)
    }

    @Test func differentKeysDoNotWaitForEachOther() {
        let queries = InFlightQueries()
        let first = queries.lease("a")
        let second = queries.lease("b")
        #expect(queries.count == 2)
        second.release()
        first.release()
        #expect(queries.count == 0)
    }
}
