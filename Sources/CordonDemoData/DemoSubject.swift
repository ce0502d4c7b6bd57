import CordonCore

/// A made-up customer, before it is written as a `subjects.ndjson` line.
struct DemoSubject {
    /// The number in the external id: `c-1001` is subject 0.
    var number: Int
    var country: String
    var region: RegionID
    var birthYear: Int?
    var email: String?
    var name: String?
    var phone: String?
    var address: String?
    /// In time order; a purpose's last record is its current state.
    var consents: [DemoConsent]
    var globalPrivacyControl: Bool
    /// Younger than the consent age of the subject's country under its region's policy.
    var isMinor: Bool

    var externalId: String { "c-\(number)" }
}

/// One consent record of a subject.
struct DemoConsent {
    /// The four states ingest accepts.
    enum State: String, CaseIterable {
        case granted, withdrawn, restricted, objected
    }

    var purpose: Purpose
    var state: State
    var source: String
    /// Seconds since 1970-01-01T00:00:00Z.
    var recordedAt: Int64
}

/// How a subject shops: when they first came, on what device, and how active they are.
///
/// Drawn from its own stream so the event pass can recompute it without the subject's
/// names and consents.
struct DemoActivity {
    /// Relative share of the event file, heavy-tailed: most customers come a few times,
    /// a few come very often. Zero for a subject whose line is invalid.
    var weight: UInt64
    /// Customers from before 2025 have consents recorded in 2023-2024 and shop all year.
    var isNewCustomer: Bool
    /// When events may start: the window's start for existing customers, the first visit
    /// (a busy day more likely than a quiet one) otherwise.
    var firstSeen: Int64
    /// When the first consents were recorded: the first visit, or a day in 2023-2024.
    var consentTime: Int64
    /// Whether the first session includes a `signup` event.
    var signsUp: Bool
    var device: DemoDevice
    /// Whether the subject gave an email address.
    var hasEmail: Bool
    /// Whether the shop sends them marketing email: their last `marketing_email` record
    /// is a grant (set by the event pass from the subject's consents).
    var receivesEmail = false
    /// The A/B test arm (`cmp-a` or `cmp-b`) the subject sees whenever a paid session
    /// belongs to the test.
    var testArm: DemoCampaign
}
