import CordonCore

/// What a run of ``DemoDataGenerator`` wrote: counts per region and country, invalid lines
/// by defect, minors, Global Privacy Control signals, consent states and event mix.
public struct DemoDataSummary: Codable, Hashable, Sendable {
    /// The seed the files derive from.
    public var seed: UInt64
    /// The requested share of invalid lines.
    public var invalidRate: Double
    /// `subjects.ndjson`.
    public var subjects: Subjects
    /// `events.ndjson`.
    public var events: Events

    /// Creates a summary.
    public init(seed: UInt64, invalidRate: Double, subjects: Subjects, events: Events) {
        self.seed = seed
        self.invalidRate = invalidRate
        self.subjects = subjects
        self.events = events
    }

    /// The subject lines. Every count but `lines` and `invalid` is over valid lines only.
    public struct Subjects: Codable, Hashable, Sendable {
        /// Lines written.
        public var lines: Int = 0
        /// Lines ingest should accept.
        public var valid: Int = 0
        /// Lines ingest should reject, by defect (`malformed_json`, `unknown_country`, …).
        public var invalid: [String: Int] = [:]
        /// Subjects per region id.
        public var regions: [String: Int] = [:]
        /// Subjects per country code.
        public var countries: [String: Int] = [:]
        /// Subjects younger than their country's consent age under their region's policy
        /// (age counted at the end of 2025).
        public var minors: Int = 0
        /// Subjects whose browser sends Global Privacy Control.
        public var gpc: Int = 0
        /// Current consent state (the purpose's last record) per region, then per purpose.
        public var consents: [String: [String: ConsentTally]] = [:]

        /// All invalid lines.
        public var invalidLines: Int { invalid.values.reduce(0, +) }
    }

    /// How many subjects of one region are in each consent state for one purpose.
    public struct ConsentTally: Codable, Hashable, Sendable {
        /// Valid subjects in the region.
        public var subjects: Int = 0
        public var granted: Int = 0
        public var withdrawn: Int = 0
        public var restricted: Int = 0
        public var objected: Int = 0
        /// `granted / subjects`, to four decimals (0 for an empty region).
        public var grantedRate: Double = 0

        /// Subjects with no record for the purpose.
        public var none: Int { subjects - granted - withdrawn - restricted - objected }
    }

    /// The event lines.
    public struct Events: Codable, Hashable, Sendable {
        /// Lines written.
        public var lines: Int = 0
        /// Lines ingest should accept.
        public var valid: Int = 0
        /// Lines ingest should reject, by defect (`unknown_subject`, `out_of_range`, …).
        public var invalid: [String: Int] = [:]
        /// Valid events per type.
        public var types: [String: Int] = [:]
        /// Valid events per purpose.
        public var purposes: [String: Int] = [:]
        /// Valid events per channel (events without one are not counted).
        public var channels: [String: Int] = [:]
        /// Valid events per device class.
        public var devices: [String: Int] = [:]
        /// Subjects with at least one event.
        public var subjectsWithEvents: Int = 0

        /// All invalid lines.
        public var invalidLines: Int { invalid.values.reduce(0, +) }
    }
}
