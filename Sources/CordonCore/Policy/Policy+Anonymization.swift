extension Policy {
    /// The thresholds the query engine applies before an aggregate leaves the region.
    public struct AnonymizationRules: Hashable, Sendable {
        /// Groups with fewer distinct subjects are suppressed (at least 2).
        public var minAggregationSubjects: Int
        /// Differential-privacy epsilon charged per query (greater than 0).
        public var epsilonPerQuery: Double
        /// Epsilon an analyst may spend per ``budgetPeriod`` (at least ``epsilonPerQuery``).
        public var budgetPerPeriod: Double
        /// The period after which an analyst's budget is renewed.
        public var budgetPeriod: ISODuration
        /// Differential-privacy delta, for partition selection (between 0 and 1, exclusive).
        public var delta: Double
        /// Each subject contributes to at most this many groups of a query.
        public var maxGroupsPerSubject: Int
        /// Each subject contributes at most this many rows to one group.
        public var maxRowsPerGroup: Int
        /// Why these values are anonymous enough under this law.
        public var source: String

        /// Creates anonymization rules.
        public init(
            minAggregationSubjects: Int,
            epsilonPerQuery: Double,
            budgetPerPeriod: Double,
            budgetPeriod: ISODuration,
            delta: Double,
            maxGroupsPerSubject: Int,
            maxRowsPerGroup: Int,
            source: String
        ) {
            self.minAggregationSubjects = minAggregationSubjects
            self.epsilonPerQuery = epsilonPerQuery
            self.budgetPerPeriod = budgetPerPeriod
            self.budgetPeriod = budgetPeriod
            self.delta = delta
            self.maxGroupsPerSubject = maxGroupsPerSubject
            self.maxRowsPerGroup = maxRowsPerGroup
            self.source = source
        }
    }
}
