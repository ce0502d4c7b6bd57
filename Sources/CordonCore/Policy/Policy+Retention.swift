extension Policy {
    /// How long data of one category may be kept.
    public struct RetentionRule: Hashable, Sendable {
        /// The maximum age of the data.
        public var duration: ISODuration
        /// The article, section or guidance the period comes from.
        public var source: String

        /// Creates a retention rule.
        public init(duration: ISODuration, source: String) {
            self.duration = duration
            self.source = source
        }
    }

    /// The retention rule of the most specific category that contains `category`.
    ///
    /// With rules for `user` and `user.behavior`, `user.behavior.purchase_history` gets the
    /// `user.behavior` rule and `user.contact.email` the `user` rule. `nil` when no rule
    /// covers the category; the linter guarantees every catalog category is covered.
    public func retentionRule(for category: DataCategory) -> RetentionRule? {
        retention
            .filter { category.isWithin($0.key) }
            .max { $0.key.components.count < $1.key.components.count }?
            .value
    }

    /// The retention period of the most specific category that contains `category`.
    public func retention(for category: DataCategory) -> ISODuration? {
        retentionRule(for: category)?.duration
    }
}
