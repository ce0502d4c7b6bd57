extension Policy {
    /// What may leave the region.
    public struct TransferRules: Hashable, Sendable {
        /// Whether raw personal data may leave: Cordon only knows ``RawDataTransfer/never``.
        public var rawData: RawDataTransfer
        /// Regions that may receive anonymized aggregates computed here.
        public var aggregates: [RegionID]
        /// The chapter or articles on international transfers.
        public var source: String

        /// Creates transfer rules.
        public init(rawData: RawDataTransfer = .never, aggregates: [RegionID], source: String) {
            self.rawData = rawData
            self.aggregates = aggregates
            self.source = source
        }

        /// Whether an aggregate computed here may be sent to `region`.
        public func allowsAggregates(to region: RegionID) -> Bool { aggregates.contains(region) }
    }

    /// Whether raw personal data may leave its region.
    public enum RawDataTransfer: String, CaseIterable, Hashable, Sendable {
        /// Raw personal data never leaves: only anonymized aggregates do (the design's rule).
        case never
    }
}
