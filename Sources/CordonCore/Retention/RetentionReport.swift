/// What one retention sweep deleted, per region and category.
public struct RetentionReport: Sendable, Codable {
    public struct RegionResult: Sendable, Codable {
        public var region: String
        public var policy: String
        /// Rows deleted per data category (`user.behavior.browsing_history`: 120, ...).
        public var deleted: [String: Int]
        /// Cutoffs applied: rows before these instants were expired.
        public var cutoffs: [String: String]
        /// Profiles (subjects) removed because they were inactive past `user.contact` retention.
        public var subjectsExpired: Int
    }

    public var now: String
    public var regions: [RegionResult]
    public var totalDeleted: Int { regions.reduce(0) { $0 + $1.deleted.values.reduce(0, +) + $1.subjectsExpired } }
}
