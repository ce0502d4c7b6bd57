/// Why personal data is processed, such as `analytics` or `order_fulfillment`.
///
/// Every write and every query names its purpose; the catalog declares the list and every
/// policy must rule on each one.
public struct Purpose: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The purpose as written in the configuration (lowercase `snake_case`).
    public var rawValue: String

    /// Wraps a purpose name; whether it is declared is the catalog's business.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Wraps a literal purpose, as in `let purpose: Purpose = "analytics"`.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The purpose name itself.
    public var description: String { rawValue }

    /// Orders purposes alphabetically, for stable listings.
    public static func < (lhs: Purpose, rhs: Purpose) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Web analytics and campaign measurement.
    public static let analytics: Purpose = "analytics"
    /// Marketing email to the subject.
    public static let marketingEmail: Purpose = "marketing_email"
    /// Behavioural (cross-context) advertising.
    public static let adsPersonalization: Purpose = "ads_personalization"
    /// Taking and delivering the subject's orders.
    public static let orderFulfillment: Purpose = "order_fulfillment"
    /// Disclosure to another company for its own purposes (CCPA "sale" or "sharing").
    public static let saleOrShare: Purpose = "sale_or_share"
    /// Providing one person's data outside their region; the transfer gate checks it
    /// (PIPL Art. 39 separate consent; decision 0019).
    public static let crossBorderTransfer: Purpose = "cross_border_transfer"
}
