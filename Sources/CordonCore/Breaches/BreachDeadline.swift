public import Foundation

/// One notification duty of a breach in one region, at a given instant: when it is due
/// under the region's policy, and whether it is met, pending or overdue.
///
/// Computed, never stored (decision 0019): calendar deadlines add the policy's period to
/// the detection time in UTC; business-day deadlines (LGPD) skip Saturdays and Sundays
/// only — public holidays are not modelled, which errs on the early side.
public struct BreachDeadline: Sendable, Equatable {
    public var region: RegionID
    public var recipient: Breach.Recipient
    /// The policy whose rule this is, e.g. `gdpr`.
    public var policyID: PolicyID
    /// The rule as the policy states it.
    public var timing: Policy.NotificationTiming
    /// The period, e.g. `PT72H` or `P3D`, when the law states one.
    public var period: String?
    public var dayCount: DayCount?
    public var clockStart: Policy.ClockStart
    /// When the duty applies at all, in the policy's words.
    public var condition: String?
    /// The article the duty comes from.
    public var source: String
    /// When notice is due; `nil` when the law states no number ("without undue delay") or
    /// the clock has not started (it runs from the subjects' notice, not yet sent).
    public var dueAt: Date?
    /// Where the duty stands at the instant it was computed for.
    public var state: State
    /// Seconds until ``dueAt`` (negative when overdue), when there is a due date.
    public var secondsLeft: Int64?

    /// Where a duty stands.
    public enum State: String, Sendable, CaseIterable, Codable {
        /// Sent by the deadline (or no deadline was stated).
        case met
        /// Sent after the deadline.
        case late
        /// Recorded as not required (the policy's condition is not met).
        case notRequired = "not_required"
        /// Not sent; the deadline is ahead.
        case pending
        /// The law says "immediately": not sent, so due now.
        case dueNow = "due_now"
        /// Not sent; the deadline has passed.
        case overdue
        /// Not sent; the law states no number ("without undue delay").
        case withoutUndueDelay = "without_undue_delay"
        /// Not sent; the clock starts when the subjects are notified in this region.
        case awaitingSubjectNotice = "awaiting_subject_notice"
        /// The breach was closed without this notification.
        case closedWithoutNotice = "closed_without_notice"
    }

    /// Whether the duty needs the DPO now: overdue, or "immediately" and not yet sent.
    public var needsAction: Bool { state == .overdue || state == .dueNow }

    /// The duty of `breach` towards `recipient` in `region` under `policy`, at `now`.
    public init(breach: Breach, region: RegionID, recipient: Breach.Recipient, policy: Policy, now: Date) {
        let rule = recipient == .authority ? policy.breachNotification.authority : policy.breachNotification.subjects
        self.region = region
        self.recipient = recipient
        self.policyID = policy.id
        self.timing = rule.timing
        self.period = rule.deadline.map { $0.duration.description }
        self.dayCount = rule.deadline?.dayCount
        self.clockStart = rule.clockStart
        self.condition = rule.condition
        self.source = rule.source

        let start: Date?
        switch rule.clockStart {
        case .awareness:
            start = breach.detectedAt
        case .subjectNotification:
            // Cal. Civ. Code 1798.82(f): the Attorney General's copy is due after the residents' notice.
            start = breach.notification(to: .subjects, in: region).flatMap { $0.outcome == .sent ? $0.notifiedAt : nil }
        }
        switch rule.timing {
        case .within:
            if let start, let deadline = rule.deadline {
                dueAt = deadline.duration.added(to: start, counting: deadline.dayCount)
            } else {
                dueAt = nil
            }
        case .immediately:
            dueAt = start
        case .withoutUndueDelay:
            dueAt = nil
        }
        secondsLeft = dueAt.map { Int64(($0.timeIntervalSince(now)).rounded(.down)) }

        if let notice = breach.notification(to: recipient, in: region) {
            switch notice.outcome {
            case .notRequired:
                state = .notRequired
            case .sent:
                state = dueAt.map { notice.notifiedAt > $0 && rule.timing == .within ? .late : .met } ?? .met
            }
            secondsLeft = nil
        } else if breach.status == .closed {
            state = .closedWithoutNotice
            secondsLeft = nil
        } else if rule.timing == .immediately, start != nil {
            state = .dueNow
        } else if let dueAt {
            state = dueAt < now ? .overdue : .pending
        } else if rule.timing == .withoutUndueDelay {
            state = .withoutUndueDelay
        } else {
            state = .awaitingSubjectNotice
        }
    }

    /// The time left in words: `2d 5h left`, `3h overdue`, `due now`, or the state.
    public var timeLeftText: String {
        switch state {
        case .dueNow: return "due now (immediately)"
        case .pending, .overdue:
            guard let secondsLeft else { return state.rawValue }
            let magnitude = abs(secondsLeft)
            let days = magnitude / 86_400
            let hours = (magnitude % 86_400) / 3600
            let minutes = (magnitude % 3600) / 60
            let span = days > 0 ? "\(days)d \(hours)h" : hours > 0 ? "\(hours)h \(minutes)m" : "\(minutes)m"
            return secondsLeft >= 0 ? "\(span) left" : "\(span) overdue"
        case .withoutUndueDelay: return "without undue delay (no fixed period)"
        case .awaitingSubjectNotice: return "starts when the subjects are notified"
        case .met: return "met"
        case .late: return "sent late"
        case .notRequired: return "not required"
        case .closedWithoutNotice: return "closed without notice"
        }
    }
}
