/// A storage partition bound to one jurisdiction's policy (`regions/<id>.json`).
///
/// A subject lives in exactly one region, chosen from their country of residence.
public struct Region: Hashable, Sendable {
    /// The region's identifier, e.g. `eu`.
    public var id: RegionID
    /// A human-readable name, e.g. "European Union and European Economic Area".
    public var name: String
    /// The policy every store in this region obeys.
    public var policy: PolicyID
    /// The countries of residence whose subjects live here, in file order.
    public var countries: [CountryCode]
    /// Where the region's data is physically stored, as a label for DPOs.
    public var storageLocation: String
    /// Caveats about the mapping (territories left out, and why), if any.
    public var notes: String?

    /// Creates a region; ``PolicyConfiguration/load(from:)`` is the usual way to get one.
    public init(
        id: RegionID,
        name: String,
        policy: PolicyID,
        countries: [CountryCode],
        storageLocation: String,
        notes: String? = nil
    ) {
        self.id = id
        self.name = name
        self.policy = policy
        self.countries = countries
        self.storageLocation = storageLocation
        self.notes = notes
    }

    /// Whether subjects resident in `country` belong to this region.
    public func contains(_ country: CountryCode) -> Bool { countries.contains(country) }
}
