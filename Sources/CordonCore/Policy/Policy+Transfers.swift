extension Policy {
    /// What may leave the region.
    public struct TransferRules: Hashable, Sendable {
        /// Whether raw personal data may leave: Cordon only knows ``RawDataTransfer/never``.
        public var rawData: RawDataTransfer
        /// Regions that may receive anonymized aggregates computed here.
        public var aggregates: [RegionID]
        /// The chapter or articles on international transfers.
        public var source: String
        /// The mechanisms an individual transfer (a portability request to a controller
        /// abroad) may rely on, each with its article; the transfer gate refuses others.
        public var mechanisms: [TransferMechanism: String]
        /// When the law requires the subject's separate consent to any cross-border
        /// transfer (PIPL Art. 39), the article that says so.
        public var separateConsent: String?
        /// Volume thresholds per calendar year above which a filing or assessment is due.
        public var volumeTiers: [VolumeTier]

        /// Creates transfer rules.
        public init(
            rawData: RawDataTransfer = .never,
            aggregates: [RegionID],
            source: String,
            mechanisms: [TransferMechanism: String] = [:],
            separateConsent: String? = nil,
            volumeTiers: [VolumeTier] = []
        ) {
            self.rawData = rawData
            self.aggregates = aggregates
            self.source = source
            self.mechanisms = mechanisms
            self.separateConsent = separateConsent
            self.volumeTiers = volumeTiers
        }

        /// Whether an aggregate computed here may be sent to `region`.
        public func allowsAggregates(to region: RegionID) -> Bool { aggregates.contains(region) }
    }

    /// A yearly volume threshold of individual transfers (the 2024 CAC Provisions on
    /// Promoting and Regulating Cross-Border Data Flows).
    public struct VolumeTier: Hashable, Sendable {
        /// People transferred since 1 January, from which the tier applies.
        public var people: Int
        /// Whether the count is of people whose sensitive personal information left.
        public var sensitive: Bool
        /// The mechanisms the tier requires.
        public var requires: [TransferMechanism]
        /// The article setting the threshold.
        public var source: String

        /// Creates a tier.
        public init(people: Int, sensitive: Bool, requires: [TransferMechanism], source: String) {
            self.people = people
            self.sensitive = sensitive
            self.requires = requires
            self.source = source
        }
    }

    /// Whether raw personal data may leave its region.
    public enum RawDataTransfer: String, CaseIterable, Hashable, Sendable {
        /// Raw personal data never leaves: only anonymized aggregates do (the design's rule).
        case never
    }
}
