/// The identifier of a storage region, such as `eu` or `br`.
///
/// Region ids name SQLite stores (`regions/<id>.db`), so the linter allows only lowercase
/// letters, digits and `-`.
public struct RegionID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The identifier as written in the configuration.
    public var rawValue: String

    /// Wraps an identifier; whether such a region exists is the configuration's business.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Wraps a literal identifier, as in `let id: RegionID = "eu"`.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The identifier itself.
    public var description: String { rawValue }

    /// Orders identifiers alphabetically, for stable listings.
    public static func < (lhs: RegionID, rhs: RegionID) -> Bool { lhs.rawValue < rhs.rawValue }
}
