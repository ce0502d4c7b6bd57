import CordonAudit
import CordonCore
import CordonServer
import CordonTestSupport
import Foundation
import Synchronization
import Testing

/// The server sweeps retention on its own: expired rows go without an operator. A manual
/// clock drives the schedule, so nothing here waits for real time.
@Suite("Retention scheduler", .timeLimit(.minutes(1)))
struct RetentionSchedulerTests {
    /// The messages the scheduler logged.
    final class Lines: Sendable {
        let handler = RecordingLogHandler()
        var all: [String] { handler.logged.map(\.message) }
    }

    /// A scheduler every ten minutes on a manual clock, collecting its report lines.
    static func scheduler(_ fixture: ServerFixture, clock: ManualClock) -> (RetentionScheduler, Lines) {
        let lines = Lines()
        let scheduler = RetentionScheduler(
            slot: fixture.api.slot,
            intervalSeconds: 600,
            clock: clock,
            logger: lines.handler.logger()
        )
        return (scheduler, lines)
    }

    @Test func expiredRowsAreDeletedOnTheIntervalAndAudited() async throws {
        let fixture = try ServerFixture()
        let old =
            #"{"externalId":"r-1","ts":"2020-01-01T10:00:00Z","event":"page_view","channel":"search","campaign":"cmp-17","device":"mobile","purpose":"analytics"}"#
        fixture.ingest("subjects", [ServerFixture.subject("r-1", country: "DE")])
        let ingested = fixture.ingest("events", [ServerFixture.event("r-1"), old])
        #expect(ingested.status == 200, "\(ingested.text)")
        let clock = ManualClock()
        let (scheduler, lines) = Self.scheduler(fixture, clock: clock)
        scheduler.start()
        await clock.waitForSleep(number: 1)
        clock.advance(by: .seconds(60))
        await clock.waitForSleep(number: 2)
        #expect(scheduler.completedSweeps == 1)
        clock.advance(by: .seconds(600))
        await clock.waitForSleep(number: 3)
        scheduler.stop()
        #expect(scheduler.completedSweeps == 2)
        // The first sweep deletes the 2020 page view (13-month browsing retention); the next finds nothing.
        #expect(
            lines.all == [
                "retention: 1 expired rows deleted (0 inactive profiles) across 5 regions",
                "retention: 0 expired rows deleted (0 inactive profiles) across 5 regions",
            ]
        )
        let entries = try fixture.vault.auditEntries(in: 0..<fixture.vault.auditTreeSize)
        #expect(entries.filter { $0.actor == "cordon:retention-scheduler" }.count >= 2)
        // Stopped means stopped: the clock moving on runs nothing more.
        clock.advance(by: .seconds(6_000))
        #expect(clock.deadlines.isEmpty)
        #expect(scheduler.completedSweeps == 2)
    }

    @Test func theFirstSweepComesAfterAtMostAMinuteThenOnePerInterval() async throws {
        let fixture = try ServerFixture(sealed: true)
        let clock = ManualClock()
        let (scheduler, _) = Self.scheduler(fixture, clock: clock)
        scheduler.start()
        await clock.waitForSleep(number: 1)
        #expect(clock.deadlines == [.seconds(60)])
        clock.advance(by: .seconds(59))
        #expect(clock.deadlines == [.seconds(60)])
        #expect(scheduler.completedSweeps == 0)
        clock.advance(by: .seconds(1))
        await clock.waitForSleep(number: 2)
        #expect(clock.deadlines == [.seconds(660)])
        // A clock that jumped past several intervals gets one sweep now, not a backlog.
        clock.advance(by: .seconds(3_000))
        await clock.waitForSleep(number: 3)
        #expect(clock.deadlines == [.seconds(3_660)])
        #expect(scheduler.completedSweeps == 2)
        scheduler.stop()
    }

    @Test func aShortIntervalIsAlsoTheFirstDelay() async throws {
        let fixture = try ServerFixture(sealed: true)
        let clock = ManualClock()
        let scheduler = RetentionScheduler(
            slot: fixture.api.slot,
            intervalSeconds: 5,
            clock: clock,
            logger: RecordingLogHandler().logger()
        )
        scheduler.start()
        await clock.waitForSleep(number: 1)
        #expect(clock.deadlines == [.seconds(5)])
        scheduler.stop()
    }

    @Test func aSealedServerHasNothingToSweep() async throws {
        let fixture = try ServerFixture(sealed: true)
        let clock = ManualClock()
        let (scheduler, lines) = Self.scheduler(fixture, clock: clock)
        scheduler.start()
        for sleep in 1...2 {
            await clock.waitForSleep(number: sleep)
            clock.advance(by: .seconds(600))
        }
        await clock.waitForSleep(number: 3)
        scheduler.stop()
        #expect(scheduler.completedSweeps == 2)
        #expect(lines.all.isEmpty)
    }
}
