public import Foundation

extension Policy {
    /// How fast one data-subject right must be honoured, or that the law does not grant it.
    public struct RightRule: Hashable, Sendable {
        /// Whether the law grants the right; when `false`, ``deadline`` is `nil`.
        public var isProvided: Bool
        /// The time allowed from receipt of the request.
        public var deadline: Deadline?
        /// A further period the controller may take, if the law allows one (JSON key `extension`).
        public var extensionPeriod: Extension?
        /// The article or section the rule comes from.
        public var source: String

        /// Creates a rule for a right the law grants.
        public init(deadline: Deadline, extensionPeriod: Extension? = nil, source: String) {
            self.isProvided = true
            self.deadline = deadline
            self.extensionPeriod = extensionPeriod
            self.source = source
        }

        /// Creates a rule recording that the law does not grant the right.
        public init(notProvidedBecause source: String) {
            self.isProvided = false
            self.deadline = nil
            self.extensionPeriod = nil
            self.source = source
        }

        /// When a request received at `receivedAt` is due, or `nil` if the right is not provided.
        public func dueDate(forRequestReceivedAt receivedAt: Date) -> Date? {
            deadline.map { $0.duration.added(to: receivedAt, counting: $0.dayCount) }
        }

        /// The latest date with the extension taken, counted from receipt (GDPR Art. 12(3):
        /// one month plus two further months is three months from receipt); the plain due
        /// date when no extension exists.
        public func extendedDueDate(forRequestReceivedAt receivedAt: Date) -> Date? {
            guard let deadline else { return nil }
            guard let extensionPeriod else { return dueDate(forRequestReceivedAt: receivedAt) }
            return (deadline.duration + extensionPeriod.duration).added(to: receivedAt, counting: deadline.dayCount)
        }
    }

    /// A period and how its days are counted.
    public struct Deadline: Hashable, Sendable, CustomStringConvertible {
        /// The period.
        public var duration: ISODuration
        /// Calendar or business days; business deadlines are whole days.
        public var dayCount: DayCount

        /// Creates a deadline.
        public init(duration: ISODuration, dayCount: DayCount) {
            self.duration = duration
            self.dayCount = dayCount
        }

        /// E.g. `P1M` or `P15D (business days)`.
        public var description: String {
            dayCount == .business ? "\(duration) (business days)" : duration.description
        }
    }

    /// The further time a controller may take to answer a request.
    public struct Extension: Hashable, Sendable {
        /// The additional period, counted like the deadline it extends.
        public var duration: ISODuration
        /// Whether the subject must be told why, within the original deadline.
        public var requiresReason: Bool

        /// Creates an extension.
        public init(duration: ISODuration, requiresReason: Bool) {
            self.duration = duration
            self.requiresReason = requiresReason
        }
    }
}
