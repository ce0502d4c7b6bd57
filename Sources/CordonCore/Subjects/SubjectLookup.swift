/// What a subject lookup found, and which regions it could not search.
public struct SubjectLookup: Sendable, Codable, Equatable {
    /// The matches, in region order.
    public var subjects: [SubjectLocation]
    /// Regions whose store could not be read, with their error code (`store_corrupt`, ...).
    /// Empty unless the lookup was by email and matched in a region that answered: then
    /// the list is complete for the regions that answered only, and says so.
    public var unavailableRegions: [String: String]
}
