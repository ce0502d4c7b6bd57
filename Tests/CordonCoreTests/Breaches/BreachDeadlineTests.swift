import Foundation
import Testing

@testable import CordonCore

/// The notification clocks of each shipped policy, computed at an injected instant.
@Suite("BreachDeadline")
struct BreachDeadlineTests {
    static let configuration = VaultFixture.configuration

    static func at(_ text: String) -> Date { Timestamp.parse(text)! }

    /// A breach detected on Friday 2026-12-04 at 09:00 UTC in `regions`.
    static func breach(
        _ regions: [RegionID],
        notifications: [Breach.Notification] = [],
        status: Breach.Status = .open
    )
        -> Breach
    {
        Breach(
            id: "brc-0000000000000001",
            title: "Lost laptop",
            detectedAt: at("2026-12-04T09:00:00Z"),
            regions: regions,
            categories: ["user.contact.email"],
            subjectsEstimate: 10,
            status: status,
            openedAt: at("2026-12-04T10:00:00Z"),
            openedBy: "test",
            notifications: notifications
        )
    }

    func duty(_ breach: Breach, _ region: RegionID, _ recipient: Breach.Recipient, now: String) -> BreachDeadline {
        BreachDeadline(
            breach: breach,
            region: region,
            recipient: recipient,
            policy: Self.configuration.policy(for: region),
            now: Self.at(now)
        )
    }

    @Test func gdprGivesTheAuthority72CalendarHoursFromAwareness() {
        let pending = duty(Self.breach(["eu"]), "eu", .authority, now: "2026-12-05T09:00:00Z")
        #expect(pending.dueAt == Self.at("2026-12-07T09:00:00Z"))
        #expect(pending.state == .pending)
        #expect(pending.secondsLeft == Int64(48 * 3600))
        #expect(pending.timeLeftText == "2d 0h left")
        let missed = duty(Self.breach(["eu"]), "eu", .authority, now: "2026-12-07T12:30:00Z")
        #expect(missed.state == .overdue && missed.needsAction)
        #expect(missed.timeLeftText == "3h 30m overdue")
    }

    @Test func lgpdCountsThreeBusinessDaysSkippingTheWeekend() {
        // Friday + 3 business days = Wednesday (Saturday and Sunday do not count).
        let deadline = duty(Self.breach(["br"]), "br", .authority, now: "2026-12-05T00:00:00Z")
        #expect(deadline.dueAt == Self.at("2026-12-09T09:00:00Z"))
        #expect(deadline.dayCount == .business)
        #expect(duty(Self.breach(["br"]), "br", .subjects, now: "2026-12-09T09:00:01Z").state == .overdue)
    }

    @Test func piplImmediatelyIsDueNowUntilSent() {
        let due = duty(Self.breach(["cn"]), "cn", .authority, now: "2026-12-04T09:00:00Z")
        #expect(due.state == .dueNow && due.needsAction)
        #expect(due.timeLeftText == "due now (immediately)")
        let sent = Breach.Notification(
            region: "cn",
            recipient: .authority,
            outcome: .sent,
            notifiedAt: Self.at("2026-12-04T11:00:00Z"),
            reference: "CAC-1"
        )
        #expect(
            duty(Self.breach(["cn"], notifications: [sent]), "cn", .authority, now: "2026-12-06T00:00:00Z").state
                == .met
        )
    }

    @Test func ccpaAuthorityClockStartsWithTheResidentsNotice() {
        let waiting = duty(Self.breach(["us"]), "us", .authority, now: "2026-12-05T00:00:00Z")
        #expect(waiting.state == .awaitingSubjectNotice && waiting.dueAt == nil && !waiting.needsAction)
        #expect(
            duty(Self.breach(["us"]), "us", .subjects, now: "2026-12-05T00:00:00Z").dueAt
                == Self.at("2027-01-03T09:00:00Z")
        )
        let residents = Breach.Notification(
            region: "us",
            recipient: .subjects,
            outcome: .sent,
            notifiedAt: Self.at("2026-12-10T00:00:00Z"),
            reference: "mailing-7"
        )
        let running = duty(
            Self.breach(["us"], notifications: [residents]),
            "us",
            .authority,
            now: "2026-12-26T00:00:00Z"
        )
        #expect(running.dueAt == Self.at("2026-12-25T00:00:00Z"))
        #expect(running.state == .overdue)
    }

    @Test func withoutUndueDelayHasNoNumberAndIsNeverFlagged() {
        let deadline = duty(Self.breach(["eu"]), "eu", .subjects, now: "2027-06-01T00:00:00Z")
        #expect(deadline.state == .withoutUndueDelay && deadline.dueAt == nil && !deadline.needsAction)
        #expect(deadline.condition?.contains("high risk") == true)
    }

    @Test func aNoticeSentAfterTheDeadlineIsLateAndNotRequiredSettlesTheDuty() {
        let late = Breach.Notification(
            region: "eu",
            recipient: .authority,
            outcome: .sent,
            notifiedAt: Self.at("2026-12-08T09:00:00Z"),
            reference: "DPC-1"
        )
        #expect(
            duty(Self.breach(["eu"], notifications: [late]), "eu", .authority, now: "2026-12-09T00:00:00Z").state
                == .late
        )
        let waived = Breach.Notification(
            region: "br",
            recipient: .subjects,
            outcome: .notRequired,
            notifiedAt: Self.at("2026-12-04T12:00:00Z"),
            reference: "no relevant risk: encrypted"
        )
        let settled = duty(Self.breach(["br"], notifications: [waived]), "br", .subjects, now: "2027-01-01T00:00:00Z")
        #expect(settled.state == .notRequired && !settled.needsAction)
    }

    @Test func aClosedBreachIsNeverOverdue() {
        let closed = duty(Self.breach(["eu"], status: .closed), "eu", .authority, now: "2027-01-01T00:00:00Z")
        #expect(closed.state == .closedWithoutNotice && !closed.needsAction)
    }

    @Test func everyAffectedRegionGetsBothDuties() {
        let all = Self.breach(["eu", "br", "cn", "us", "uk"]).deadlines(
            under: Self.configuration,
            now: Self.at("2026-12-05T00:00:00Z")
        )
        #expect(all.count == 10)
        #expect(Set(all.map(\.policyID.rawValue)) == ["gdpr", "lgpd", "pipl", "ccpa", "uk-gdpr"])
        #expect(all.allSatisfy { !$0.source.isEmpty })
    }
}
