import CordonAudit
import CordonCore
import CordonServer
import CordonTestSupport
import Foundation
import Testing

/// The server sweeps retention on its own: expired rows go without an operator.
@Suite("Retention scheduler", .serialized)
struct RetentionSchedulerTests {
    private func waitFor(_ scheduler: RetentionScheduler, sweeps: Int) async throws {
        for _ in 0..<200 where scheduler.completedSweeps < sweeps {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func expiredRowsAreDeletedOnTheIntervalAndAudited() async throws {
        let fixture = try ServerFixture()
        let old =
            #"{"externalId":"r-1","ts":"2020-01-01T10:00:00Z","event":"page_view","channel":"search","campaign":"cmp-17","device":"mobile","purpose":"analytics"}"#
        fixture.ingest("subjects", [ServerFixture.subject("r-1", country: "DE")])
        let ingested = fixture.ingest("events", [ServerFixture.event("r-1"), old])
        #expect(ingested.status == 200, "\(ingested.text)")
        let log = RecordingLogHandler()
        let scheduler = RetentionScheduler(slot: fixture.api.slot, intervalSeconds: 0.2, logger: log.logger())
        scheduler.start()
        try await waitFor(scheduler, sweeps: 2)
        scheduler.stop()
        let reported = log.logged.map(\.message)
        #expect(scheduler.completedSweeps >= 2)
        // The first sweep deletes the 2020 page view (13-month browsing retention); the next finds nothing.
        #expect(
            reported.first == "retention: 1 expired rows deleted (0 inactive profiles) across 5 regions",
            "\(reported)"
        )
        #expect(
            reported.dropFirst().first == "retention: 0 expired rows deleted (0 inactive profiles) across 5 regions"
        )
        let entries = try fixture.vault.auditEntries(in: 0..<fixture.vault.auditTreeSize)
        #expect(entries.contains { $0.actor == "cordon:retention-scheduler" })
        // Stopped means stopped: no sweep after stop() returns.
        let after = scheduler.completedSweeps
        try await Task.sleep(for: .milliseconds(500))
        #expect(scheduler.completedSweeps == after)
    }

    @Test func aSealedServerHasNothingToSweep() async throws {
        let fixture = try ServerFixture(sealed: true)
        let log = RecordingLogHandler()
        let scheduler = RetentionScheduler(slot: fixture.api.slot, intervalSeconds: 0.1, logger: log.logger())
        scheduler.start()
        try await waitFor(scheduler, sweeps: 2)
        scheduler.stop()
        #expect(scheduler.completedSweeps >= 2)
        #expect(log.logged.isEmpty)
    }
}
