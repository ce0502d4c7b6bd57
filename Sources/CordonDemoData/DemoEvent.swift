import CordonCore

/// A made-up shop event, before it is written as an `events.ndjson` line.
struct DemoEvent {
    var kind: DemoEventKind
    /// Seconds since 1970-01-01T00:00:00Z (while a session is built: since its start).
    var time: Int64
    var channel: DemoChannel?
    var campaign: DemoCampaign
    var device: DemoDevice?
    var amountCents: Int?
    var purpose: DemoEventPurpose
}

/// The event types the generator writes; each must be a value of the catalog's `event` enum.
enum DemoEventKind: String, CaseIterable {
    case pageView = "page_view"
    case productView = "product_view"
    case addToCart = "add_to_cart"
    case beginCheckout = "begin_checkout"
    case purchase
    case refund
    case emailOpen = "email_open"
    case emailClick = "email_click"
    case adClick = "ad_click"
    case signup
}

/// The purposes events are collected for; each must be declared in the catalog.
enum DemoEventPurpose: String, CaseIterable {
    case analytics
    case marketingEmail = "marketing_email"
    case adsPersonalization = "ads_personalization"
    case orderFulfillment = "order_fulfillment"
}

/// Where a session came from.
enum DemoChannel: String, CaseIterable {
    case direct, search, social, email, ads, referral
}

/// The campaign a session came from, if any.
enum DemoCampaign: Equatable {
    case none
    /// `cmp-<n>`: the shop's long tail of campaigns, n in 1...200.
    case numbered(Int)
    /// `cmp-a` and `cmp-b`: the two arms of an A/B test; arm b converts a little better.
    case variantA, variantB

    /// The `campaign` field's value, or `nil` for none.
    var label: String? {
        switch self {
        case .none: nil
        case .numbered(let number): "cmp-\(number)"
        case .variantA: "cmp-a"
        case .variantB: "cmp-b"
        }
    }
}

/// A device class, never a device identifier.
enum DemoDevice: String, CaseIterable {
    case mobile, desktop, tablet
}
