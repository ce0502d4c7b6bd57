public import Foundation

/// A breach as the CLI's `--json` and the API show it: the register's fields and, per
/// affected region and recipient, the deadline computed at `now` with the time left.
public struct BreachStatus: Encodable, Sendable {
    public var breach: Breach
    public var deadlines: [BreachDeadline]

    /// The breach with its duties at `now` under `configuration`'s policies.
    public init(breach: Breach, configuration: PolicyConfiguration, now: Date) {
        self.breach = breach
        self.deadlines = breach.deadlines(under: configuration, now: now)
    }

    /// Whether any duty needs the DPO now.
    public var needsAction: Bool { deadlines.contains(where: \.needsAction) }

    private enum CodingKeys: String, CodingKey {
        case id, title, detectedAt, regions, categories, subjectsEstimate, nature, consequences, measures, contact
        case status, openedAt, openedBy, closedAt, closingNote, notifications, deadlines, overdue
    }

    private enum NotificationKeys: String, CodingKey {
        case region, recipient, outcome, notifiedAt, reference
    }

    private enum DeadlineKeys: String, CodingKey {
        case region, recipient, policy, timing, period, dayCount, from, condition, source, dueAt, state
        case secondsLeft, timeLeft
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(breach.id, forKey: .id)
        try container.encode(breach.title, forKey: .title)
        try container.encode(Timestamp.format(breach.detectedAt), forKey: .detectedAt)
        try container.encode(breach.regions.map(\.rawValue), forKey: .regions)
        try container.encode(breach.categories.map(\.rawValue), forKey: .categories)
        try container.encode(breach.subjectsEstimate, forKey: .subjectsEstimate)
        try container.encode(breach.nature, forKey: .nature)
        try container.encode(breach.consequences, forKey: .consequences)
        try container.encode(breach.measures, forKey: .measures)
        try container.encode(breach.contact, forKey: .contact)
        try container.encode(breach.status.rawValue, forKey: .status)
        try container.encode(Timestamp.format(breach.openedAt), forKey: .openedAt)
        try container.encode(breach.openedBy, forKey: .openedBy)
        try container.encode(breach.closedAt.map(Timestamp.format), forKey: .closedAt)
        try container.encode(breach.closingNote, forKey: .closingNote)
        try container.encode(needsAction, forKey: .overdue)
        var notifications = container.nestedUnkeyedContainer(forKey: .notifications)
        for notification in breach.notifications {
            var item = notifications.nestedContainer(keyedBy: NotificationKeys.self)
            try item.encode(notification.region.rawValue, forKey: .region)
            try item.encode(notification.recipient.rawValue, forKey: .recipient)
            try item.encode(notification.outcome.rawValue, forKey: .outcome)
            try item.encode(Timestamp.format(notification.notifiedAt), forKey: .notifiedAt)
            try item.encode(notification.reference, forKey: .reference)
        }
        var deadlines = container.nestedUnkeyedContainer(forKey: .deadlines)
        for deadline in self.deadlines {
            var item = deadlines.nestedContainer(keyedBy: DeadlineKeys.self)
            try item.encode(deadline.region.rawValue, forKey: .region)
            try item.encode(deadline.recipient.rawValue, forKey: .recipient)
            try item.encode(deadline.policyID.rawValue, forKey: .policy)
            try item.encode(deadline.timing.rawValue, forKey: .timing)
            try item.encode(deadline.period, forKey: .period)
            try item.encode(deadline.dayCount?.rawValue, forKey: .dayCount)
            try item.encode(deadline.clockStart.rawValue, forKey: .from)
            try item.encode(deadline.condition, forKey: .condition)
            try item.encode(deadline.source, forKey: .source)
            try item.encode(deadline.dueAt.map(Timestamp.format), forKey: .dueAt)
            try item.encode(deadline.state.rawValue, forKey: .state)
            try item.encode(deadline.secondsLeft, forKey: .secondsLeft)
            try item.encode(deadline.timeLeftText, forKey: .timeLeft)
        }
    }
}
