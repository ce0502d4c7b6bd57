import CordonCore

/// How much demo data to make, and how much of it to break.
public struct DemoDataOptions: Hashable, Sendable {
    /// Subject lines to write (`subjects.ndjson`); each is `c-1001`, `c-1002`, ….
    public var subjectCount: Int = 1000
    /// Event lines to write (`events.ndjson`); needs at least one subject when positive.
    public var eventCount: Int = 10_000
    /// The share of lines, in both files, that ingest must reject (malformed JSON, unknown
    /// country, missing or undeclared field, out-of-range or unknown value, unknown subject).
    public var invalidRate: Double = 0.01
    /// The last second (Unix time) of the 365-day window events fall in; the default,
    /// 2025-12-31T23:59:59Z, keeps files byte-identical for a seed. A demo of live data
    /// passes today, so the data is within every policy's retention.
    public var windowEnd: Int64 = 1_767_225_599

    /// Options with the defaults above, overridden where given.
    public init(
        subjectCount: Int = 1000,
        eventCount: Int = 10_000,
        invalidRate: Double = 0.01,
        windowEnd: Int64 = 1_767_225_599
    ) {
        self.subjectCount = subjectCount
        self.eventCount = eventCount
        self.invalidRate = invalidRate
        self.windowEnd = windowEnd
    }

    /// The demo shop's customers: `cordon demo`, `make tour` and `cordon demo-data` by
    /// default. At ``shopEventsPerSubject`` events each, a year of a mid-size shop: about
    /// 1,200-2,300 buyers a month (most in November), every region, large countries with
    /// over a thousand customers each.
    public static let shopSubjectCount = 20_000
    /// Events per customer in the demo shop (600,000 at ``shopSubjectCount``).
    public static let shopEventsPerSubject = 30

    /// The largest accepted subject count: ids stay short and the weight sums fit in 64 bits.
    public static let maximumSubjectCount = 1_000_000_000
    /// The largest accepted event count.
    public static let maximumEventCount = 10_000_000_000

    /// Throws when a count is out of range, the rate is not in 0...1, or events would have
    /// no subject to belong to.
    func validate() throws(DemoDataError) {
        guard (0...Self.maximumSubjectCount).contains(subjectCount) else {
            throw DemoDataError(
                .invalidOptions,
                "subject count must be in 0...\(Self.maximumSubjectCount), got \(subjectCount)"
            )
        }
        guard (0...Self.maximumEventCount).contains(eventCount) else {
            throw DemoDataError(
                .invalidOptions,
                "event count must be in 0...\(Self.maximumEventCount), got \(eventCount)"
            )
        }
        guard invalidRate.isFinite, (0...1).contains(invalidRate) else {
            throw DemoDataError(.invalidOptions, "invalid rate must be in 0...1, got \(invalidRate)")
        }
        guard eventCount == 0 || subjectCount > 0 else {
            throw DemoDataError(.invalidOptions, "events need at least one subject to belong to")
        }
    }
}
