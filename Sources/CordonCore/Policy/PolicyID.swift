/// The identifier of a jurisdiction's policy, such as `gdpr` or `uk-gdpr`.
///
/// It names a file in `policies/` by its `id` key and is recorded in every audit entry
/// together with the policy's version.
public struct PolicyID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The identifier as written in the configuration.
    public var rawValue: String

    /// Wraps an identifier; the linter checks its spelling (lowercase letters, digits, `-`).
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Wraps a literal identifier, as in `let id: PolicyID = "gdpr"`.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The identifier itself.
    public var description: String { rawValue }

    /// Orders identifiers alphabetically, for stable listings.
    public static func < (lhs: PolicyID, rhs: PolicyID) -> Bool { lhs.rawValue < rhs.rawValue }
}
