import Foundation

/// Which retention period applies to which stored row, under one region's policy.
///
/// An event row is kept for the period of its most telling category: a `purchase` or
/// `refund` carries an amount (`user.behavior.purchase_history`), any other event is
/// browsing behaviour (`user.behavior.browsing_history`). A subject profile (sealed PII,
/// consents) is contact data (`user.contact`) and expires that long after the subject's
/// last update or event.
public struct RetentionRules: Sendable {
    public let policy: Policy
    public let purchaseCategory: DataCategory
    public let browsingCategory: DataCategory
    public let profileCategory: DataCategory

    /// Events whose rows carry an amount.
    public static let purchaseEvents = ["purchase", "refund"]

    public init(policy: Policy, catalog: Catalog) {
        self.policy = policy
        purchaseCategory = catalog.eventField(named: "amountCents")?.category ?? "user.behavior.purchase_history"
        browsingCategory = catalog.eventField(named: "event")?.category ?? "user.behavior.browsing_history"
        profileCategory = catalog.subjectField(named: "email")?.category ?? "user.contact"
    }

    /// The earliest instant (Unix seconds) still within retention for `category` at `now`:
    /// rows strictly before it are expired. `nil` when the policy sets no period.
    public func cutoff(for category: DataCategory, now: Int64) -> Int64? {
        guard let duration = policy.retention(for: category) else { return nil }
        return Self.subtract(duration, from: now)
    }

    /// `now − duration` with calendar arithmetic (months and years by the calendar, so
    /// P13M from 2026-03-31 is 2025-02-28), in UTC.
    static func subtract(_ duration: ISODuration, from now: Int64) -> Int64 {
        var components = DateComponents()
        components.year = -duration.years
        components.month = -duration.months
        components.day = -(duration.weeks * 7 + duration.days)
        components.hour = -duration.hours
        components.minute = -duration.minutes
        components.second = -duration.seconds
        let date = ISODuration.utcCalendar.date(byAdding: components, to: Date(timeIntervalSince1970: Double(now)))!
        return Int64(date.timeIntervalSince1970)
    }

    /// Cutoffs for the three row kinds at `now`.
    public func cutoffs(now: Int64) -> (purchases: Int64?, browsing: Int64?, profiles: Int64?) {
        (
            cutoff(for: purchaseCategory, now: now), cutoff(for: browsingCategory, now: now),
            cutoff(for: profileCategory, now: now)
        )
    }
}
