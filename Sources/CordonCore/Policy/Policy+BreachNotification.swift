extension Policy {
    /// How fast a personal-data breach must be reported.
    public struct BreachNotification: Hashable, Sendable {
        /// Notice to the supervisory authority (or attorney general).
        public var authority: NotificationRule
        /// Notice to the affected subjects.
        public var subjects: NotificationRule

        /// Creates breach-notification rules.
        public init(authority: NotificationRule, subjects: NotificationRule) {
            self.authority = authority
            self.subjects = subjects
        }

        /// The authority deadline in hours when the law states a fixed number of calendar
        /// hours or days from awareness (GDPR Art. 33: 72); `nil` when it does not
        /// ("immediately", business days, or a clock that starts at another event).
        public var authorityHours: Int? { authority.fixedHours }
    }

    /// One notification duty.
    public struct NotificationRule: Hashable, Sendable {
        /// How the law states the time limit.
        public var timing: NotificationTiming
        /// The time limit when ``timing`` is ``NotificationTiming/within``.
        public var deadline: Deadline?
        /// The event that starts the clock.
        public var clockStart: ClockStart
        /// When the duty applies at all (e.g. "high risk", "more than 500 residents"), if limited.
        public var condition: String?
        /// The article or section the duty comes from.
        public var source: String

        /// Creates a notification duty.
        public init(
            timing: NotificationTiming,
            deadline: Deadline? = nil,
            clockStart: ClockStart = .awareness,
            condition: String? = nil,
            source: String
        ) {
            self.timing = timing
            self.deadline = deadline
            self.clockStart = clockStart
            self.condition = condition
            self.source = source
        }

        /// Hours allowed from awareness, when the law states them as fixed calendar time.
        public var fixedHours: Int? {
            guard timing == .within, clockStart == .awareness, let deadline, deadline.dayCount == .calendar else {
                return nil
            }
            return deadline.duration.wholeHours
        }
    }

    /// How a law states a notification time limit.
    public enum NotificationTiming: String, CaseIterable, Hashable, Sendable {
        /// Within a stated period (GDPR 72 hours, LGPD three business days).
        case within
        /// Immediately, without a number (PIPL Art. 57).
        case immediately
        /// Without undue delay, without a number (GDPR Art. 34).
        case withoutUndueDelay = "without_undue_delay"
    }

    /// The event from which a notification period runs.
    public enum ClockStart: String, CaseIterable, Hashable, Sendable {
        /// Becoming aware of the breach.
        case awareness
        /// Notifying the affected subjects (Cal. Civ. Code 1798.82(f)).
        case subjectNotification = "subject_notification"
    }
}
