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
    /// Regions that were not swept because their store cannot serve, with the error code
    /// (`store_corrupt`, ...). Absent when every region was swept.
    public var unavailableRegions: [String: String]?
    /// Idempotency keys of ingest batches (and their recorded answers) older than 24 h
    /// deleted by this run.
    public var idempotencyKeysExpired = 0
    mutating func noteUnavailable(_ region: RegionID, _ failure: VaultError) {
        unavailableRegions = (unavailableRegions ?? [:]).merging([region.rawValue: failure.code.name]) { first, _ in
            first
        }
    }

    public var totalDeleted: Int { regions.reduce(0) { $0 + $1.deleted.values.reduce(0, +) + $1.subjectsExpired } }
}
