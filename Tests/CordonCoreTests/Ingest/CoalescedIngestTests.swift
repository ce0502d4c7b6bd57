import CordonAudit
import CordonStore
import Dispatch
import Foundation
import Synchronization
import Testing

@testable import CordonCore

/// Concurrent event-ingest requests share region transactions (decision 0018, "Coalesced
/// ingest"): one principal's queued batches are written together, each request gets its own
/// share and a receipt, and every request id stays findable in the trail.
@Suite("Ingest: coalesced region writes", .serialized)
struct CoalescedIngestTests {
    /// A batch of `count` placeholder events under `actor`'s principal.
    private static func batch(_ actor: String, events count: Int, request: String) -> IngestCoalescer.Batch {
        let line = EventLine(
            externalID: "x",
            normalizedExternalID: "x",
            timestamp: 1_740_823_500,
            event: "page_view",
            channel: nil,
            campaign: nil,
            device: nil,
            amountCents: nil,
            purpose: "analytics"
        )
        let event = ResolvedEvent(
            line: line,
            lineNumber: 1,
            region: "eu",
            sid: 1,
            subjectID: SubjectID.random(),
            country: CountryCode(rawValue: "FR")!
        )
        return IngestCoalescer.Batch(
            events: Array(repeating: event, count: count),
            context: AccessContext(actor: actor, role: .ingest, requestID: request)
        )
    }

    /// Waits (up to a minute, on a loaded machine) until `condition` holds.
    private static func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && !condition() { usleep(1_000) }
        return condition()
    }

    @Test("batches queued behind a write are taken together, one principal per transaction")
    func queuedBatchesShareATransaction() throws {
        let coalescer = IngestCoalescer()
        let groups = Mutex<[[String]]>([])
        let firstWriteStarted = DispatchSemaphore(value: 0)
        let releaseFirstWrite = DispatchSemaphore(value: 0)
        let write: @Sendable ([IngestCoalescer.Batch]) throws -> IngestCoalescer.Written = { group in
            let isFirst = groups.withLock { groups in
                groups.append(group.map(\.context.requestID))
                return groups.count == 1
            }
            if isFirst {
                firstWriteStarted.signal()
                releaseFirstWrite.wait()
            }
            return .success((RegionBatch(accepted: group.map(\.events.count).reduce(0, +)), nil))
        }
        let accepted = Mutex<[String: Int]>([:])
        let done = DispatchGroup()
        func submit(_ batch: IngestCoalescer.Batch) {
            done.enter()
            // A thread of its own: the dispatch pool can be busy with other suites' blocked work.
            Thread {
                if case .success(let written)? = try? coalescer.write(batch, region: "eu", with: write) {
                    accepted.withLock { $0[batch.context.requestID] = written.batch.accepted }
                }
                done.leave()
            }.start()
        }
        submit(Self.batch("tok_a", events: 1, request: "r1"))
        #expect(firstWriteStarted.wait(timeout: .now() + 60) == .success)
        submit(Self.batch("tok_a", events: 2, request: "r2"))
        #expect(Self.eventually { coalescer.queuedCount("eu") == 1 })
        submit(Self.batch("tok_b", events: 4, request: "r3"))
        #expect(Self.eventually { coalescer.queuedCount("eu") == 2 })
        submit(Self.batch("tok_a", events: 3, request: "r4"))
        #expect(Self.eventually { coalescer.queuedCount("eu") == 3 })
        releaseFirstWrite.signal()
        #expect(done.wait(timeout: .now() + 60) == .success)

        #expect(groups.withLock { $0 } == [["r1"], ["r2", "r4"], ["r3"]])
        #expect(accepted.withLock { $0 } == ["r1": 1, "r2": 2, "r3": 4, "r4": 3], "each request gets its own share")
        #expect(coalescer.queuedCount("eu") == 0)
    }

    @Test("a failed group write fails every request in it, and the next request writes again")
    func aFailedWriteFailsTheWholeGroup() throws {
        struct Injected: Error {}
        let coalescer = IngestCoalescer()
        #expect(throws: Injected.self) {
            try coalescer.write(Self.batch("tok_a", events: 1, request: "r1"), region: "eu") { _ in throw Injected() }
        }
        let written = try coalescer.write(Self.batch("tok_a", events: 2, request: "r2"), region: "eu") { group in
            .success((RegionBatch(accepted: group.count), nil))
        }
        #expect(try written.get().batch.accepted == 2)
    }

    @Test("concurrent requests store every event once, and every request id is in the trail")
    func concurrentRequestsThroughTheVault() throws {
        let fixture = try VaultFixture()
        let subjects = (0..<4).map { "co-\($0)" }
        try fixture.ingestSubjects(subjects.map { VaultFixture.subject($0, country: "FR") })
        let vault = fixture.vault!
        let requests = 12
        let summaries = Mutex<[String: IngestSummary]>([:])
        DispatchQueue.concurrentPerform(iterations: requests) { index in
            var options = IngestOptions()
            options.coalesce = true
            let lines = subjects.map { VaultFixture.event($0) }
            let context = AccessContext(actor: "tok_shop", role: .ingest, requestID: "req-\(index)")
            let summary = try? vault.ingestEvents(
                from: LineReader(bytes: Array(lines.joined(separator: "\n").utf8)),
                context: context,
                options: options
            )
            summaries.withLock { $0[context.requestID] = summary }
        }
        let all = summaries.withLock { $0 }
        #expect(all.count == requests)
        for (request, summary) in all {
            #expect(summary.accepted == subjects.count, "\(request)")
            #expect(!summary.auditEntries.isEmpty, "\(request) has a receipt")
        }
        let stored = try vault.store("eu").read { db in try db.scalar(Int.self, "SELECT count(*) FROM events") }
        #expect(stored == requests * subjects.count)

        let entries = try fixture.entries().filter { $0.action == "ingest.events" }
        var named: [String] = []
        var total: Int64 = 0
        for entry in entries {
            named.append(entry.requestId)
            if case .string(let others)? = entry.details["coalescedRequests"] {
                named += others.split(separator: " ").map(String.init)
            }
            if case .integer(let accepted)? = entry.details["accepted"] { total += accepted }
        }
        #expect(named.sorted() == (0..<requests).map { "req-\($0)" }.sorted(), "each request named exactly once")
        #expect(total == Int64(requests * subjects.count))
    }

    @Test("a region whose writes fail refuses every coalesced request's lines and stores nothing")
    func failingRegionRefusesEveryRequest() throws {
        let fixture = try IdempotentIngestTests.fixture()
        try IdempotentIngestTests.failWrites(fixture, in: "eu")
        let vault = fixture.vault!
        let unavailable = Mutex<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 6) { index in
            var options = IngestOptions()
            options.coalesce = true
            let summary = try? vault.ingestEvents(
                from: LineReader(bytes: Array(VaultFixture.event("i-eu").utf8)),
                context: AccessContext(actor: "tok_shop", role: .ingest, requestID: "req-\(index)"),
                options: options
            )
            if summary?.unavailableRegions == ["eu": "storage_unavailable"] { unavailable.withLock { $0 += 1 } }
        }
        #expect(unavailable.withLock { $0 } == 6)
        #expect(try IdempotentIngestTests.eventCount(fixture, "eu") == 0)
    }

    /// Writes `batch` on a thread of its own; the group it was written with lands in `groups`.
    private static func writeInBackground(
        _ coalescer: IngestCoalescer,
        _ batch: IngestCoalescer.Batch,
        groups: GroupLog,
        done: DispatchGroup
    ) {
        done.enter()
        Thread {
            _ = try? coalescer.write(batch, region: "eu") { group in
                groups.append(group.map(\.context.requestID))
                return .success((RegionBatch(accepted: group.count), nil))
            }
            done.leave()
        }.start()
    }

    /// A coalescer with two runs started, whose first run's batch ("r1") is queued and leads,
    /// waiting for the other run: a delay far longer than any test, so only the other run can
    /// end the wait.
    private static func leaderAwaitingAnotherRun() -> (IngestCoalescer, GroupLog, DispatchGroup) {
        let coalescer = IngestCoalescer(commitDelay: 600)
        coalescer.runStarted()
        coalescer.runStarted()
        let groups = GroupLog()
        let done = DispatchGroup()
        writeInBackground(coalescer, batch("tok_a", events: 1, request: "r1"), groups: groups, done: done)
        #expect(eventually { coalescer.queuedCount("eu") == 1 })
        return (coalescer, groups, done)
    }

    @Test("a leader waits for a run still deciding its lines, and commits as soon as that run's batch is queued")
    func aLeaderWaitsForCompany() throws {
        let (coalescer, groups, done) = Self.leaderAwaitingAnotherRun()
        usleep(50_000)
        #expect(groups.all.isEmpty, "the leader is waiting for the other run")
        Self.writeInBackground(coalescer, Self.batch("tok_a", events: 2, request: "r2"), groups: groups, done: done)
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(groups.all == [["r1", "r2"]], "one transaction for both runs")
    }

    @Test("a run that ends without writing to the region releases a waiting leader")
    func anEndedRunReleasesTheLeader() throws {
        let (coalescer, groups, done) = Self.leaderAwaitingAnotherRun()
        coalescer.runEnded()  // the other run wrote elsewhere, or refused every line
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(groups.all == [["r1"]])
    }

    @Test("a run alone never waits, and a leader never waits longer than the commit delay")
    func theDelayIsBounded() throws {
        let alone = IngestCoalescer(commitDelay: 600)
        alone.runStarted()
        let started = Date()
        _ = try alone.write(Self.batch("tok_a", events: 1, request: "r1"), region: "eu") { group in
            .success((RegionBatch(accepted: group.count), nil))
        }
        #expect(Date().timeIntervalSince(started) < 60, "no other run: no wait")

        let bounded = IngestCoalescer(commitDelay: 0.3)
        bounded.runStarted()
        bounded.runStarted()  // a run that never writes here
        let waited = Date()
        _ = try bounded.write(Self.batch("tok_a", events: 1, request: "r2"), region: "eu") { group in
            .success((RegionBatch(accepted: group.count), nil))
        }
        let elapsed = Date().timeIntervalSince(waited)
        #expect(elapsed >= 0.29 && elapsed < 60, "waited \(elapsed) s for a run that never came")
    }

    @Test("a request spanning several regions writes them side by side, each with its own receipt")
    func regionsAreWrittenSideBySide() throws {
        let fixture = try VaultFixture()
        let people = [("s-fr", "FR"), ("s-gb", "GB"), ("s-us", "US"), ("s-br", "BR")]
        try fixture.ingestSubjects(people.map { VaultFixture.subject($0.0, country: $0.1) })
        let vault = fixture.vault!
        let requests = 6
        let summaries = Mutex<[IngestSummary]>([])
        DispatchQueue.concurrentPerform(iterations: requests) { index in
            var options = IngestOptions()
            options.coalesce = true
            let lines = people.map { VaultFixture.event($0.0) }
            if let summary = try? vault.ingestEvents(
                from: LineReader(bytes: Array(lines.joined(separator: "\n").utf8)),
                context: AccessContext(actor: "tok_shop", role: .ingest, requestID: "req-\(index)"),
                options: options
            ) {
                summaries.withLock { $0.append(summary) }
            }
        }
        let all = summaries.withLock { $0 }
        #expect(all.count == requests)
        for summary in all {
            #expect(summary.acceptedByRegion == ["eu": 1, "uk": 1, "us": 1, "br": 1])
            let entries = summary.auditEntries
            #expect(entries.count == 2 && entries[0] < entries[1], "the first and last of its entries: \(entries)")
        }
        for region in ["eu", "uk", "us", "br"] as [RegionID] {
            #expect(try IdempotentIngestTests.eventCount(fixture, region) == requests, "\(region)")
        }
        let named = try fixture.entries().filter { $0.action == "ingest.events" }.flatMap { entry in
            var requests = [entry.requestId]
            if case .string(let others)? = entry.details["coalescedRequests"] {
                requests += others.split(separator: " ").map(String.init)
            }
            return requests
        }
        #expect(named.count == requests * 4, "each request named once in each region's entries")
    }

    @Test("a run's receipt spans its lowest and highest entry, in whatever order its regions committed")
    func receiptsSpanEntriesOutOfOrder() {
        var summary = IngestSummary(kind: "events")
        summary.noteAudit(9)
        #expect(summary.auditEntries == [9])
        summary.noteAudit(4)
        summary.noteAudit(7)
        #expect(summary.auditEntries == [4, 9])
    }
}

/// The groups a coalescer wrote, by request id, shared with the writing threads.
private final class GroupLog: Sendable {
    private let groups = Mutex<[[String]]>([])

    func append(_ group: [String]) {
        groups.withLock { $0.append(group) }
    }

    var all: [[String]] { groups.withLock { $0 } }
}
