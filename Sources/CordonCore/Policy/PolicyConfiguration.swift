public import Foundation

/// Every policy, region and the catalog, loaded from one root directory and linted.
///
/// The root holds `policies/*.json` and `regions/*.json` (with `regions/catalog.json`).
/// A configuration exists only if the linter found nothing, so its invariants hold:
/// every region's policy exists, each country is in at most one region, every catalog
/// purpose has a rule in every policy, and every catalog category has a retention period.
///
/// ```swift
/// let configuration = try PolicyConfiguration.load(from: URL(filePath: "/etc/cordon"))
/// if let region = configuration.region(ofCountry: "de") {
///     let policy = configuration.policy(for: region.id)   // GDPR
/// }
/// ```
public struct PolicyConfiguration: Hashable, Sendable {
    /// Policies by id.
    public var policies: [PolicyID: Policy]
    /// Regions by id.
    public var regions: [RegionID: Region]
    /// The declared purposes and fields.
    public var catalog: Catalog
    /// Which region each country belongs to.
    private var regionOfCountry: [CountryCode: RegionID]

    /// Assembles a configuration from checked parts; ``load(from:)`` is the public way in.
    init(policies: [PolicyID: Policy], regions: [RegionID: Region], catalog: Catalog) {
        self.policies = policies
        self.regions = regions
        self.catalog = catalog
        var index: [CountryCode: RegionID] = [:]
        for region in regions.values {
            for country in region.countries { index[country] = region.id }
        }
        self.regionOfCountry = index
    }

    /// Loads and lints the configuration under `root`.
    ///
    /// - Throws: ``ConfigurationError`` listing every issue ``PolicyLinter`` found.
    public static func load(from root: URL) throws(ConfigurationError) -> PolicyConfiguration {
        let (configuration, issues) = PolicyLinter.check(root: root)
        guard issues.isEmpty, let configuration else { throw ConfigurationError(issues: issues) }
        return configuration
    }

    /// The region for a country of residence given as user input (`" de "`, `"GB"`), or
    /// `nil` when the input is not an assigned ISO 3166-1 alpha-2 code or no region takes it.
    /// Ingest must reject a subject whose country has no region.
    public func region(ofCountry input: String) -> Region? {
        CountryCode(normalizing: input).flatMap(region(of:))
    }

    /// The region for a country of residence, or `nil` when no region takes it.
    public func region(of country: CountryCode) -> Region? {
        regionOfCountry[country].flatMap { regions[$0] }
    }

    /// The policy in force in `region`.
    ///
    /// - Precondition: `region` is one of ``regions``; asking for an unknown region is a
    ///   programming error, since region ids come from this configuration.
    public func policy(for region: RegionID) -> Policy {
        guard let policyID = regions[region]?.policy else {
            preconditionFailure("unknown region '\(region)'; known regions: \(regions.keys.sorted())")
        }
        guard let policy = policies[policyID] else {
            preconditionFailure("region '\(region)' names policy '\(policyID)', which the linter should have rejected")
        }
        return policy
    }

    /// This configuration with only `regions` (those a data directory enables); the
    /// countries of the others then have no region.
    public func restricted(to regions: Set<RegionID>) -> PolicyConfiguration {
        PolicyConfiguration(
            policies: policies,
            regions: self.regions.filter { regions.contains($0.key) },
            catalog: catalog
        )
    }

    /// Every country that has a region, sorted.
    public var countries: [CountryCode] { regionOfCountry.keys.sorted() }
}
