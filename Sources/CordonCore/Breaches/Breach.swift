public import Foundation

/// One personal-data breach in the register: what happened, when it was detected, which
/// regions and data categories it affects, and the notifications made so far.
///
/// The notification deadlines are not stored: ``deadlines(under:now:)`` computes them
/// from each affected region's policy (`breachNotification`).
///
/// - Warning: the title and the free texts are the DPO's words; the CLI and API refuse
///   an email address in them, but cannot refuse every kind of personal data.
public struct Breach: Sendable, Equatable {
    /// `brc-` + 16 hex digits.
    public var id: String
    /// A short name the DPO recognizes (no personal data).
    public var title: String
    /// When the controller became aware of the breach: the clocks that run "from
    /// awareness" start here.
    public var detectedAt: Date
    /// The regions whose subjects are affected, each under its own law.
    public var regions: [RegionID]
    /// The data categories affected (catalog categories or their parents).
    public var categories: [DataCategory]
    /// The approximate number of subjects affected, when known (GDPR Art. 33(3)(a)).
    public var subjectsEstimate: Int?
    /// The nature of the breach (GDPR Art. 33(3)(a)).
    public var nature: String?
    /// The likely consequences (Art. 33(3)(c)).
    public var consequences: String?
    /// The measures taken or proposed (Art. 33(3)(d)).
    public var measures: String?
    /// The DPO's or contact point's name and details (Art. 33(3)(b)).
    public var contact: String?
    /// Open until the DPO closes it.
    public var status: Status
    /// When it was registered, and by whom (`cli:<user>` or a token id).
    public var openedAt: Date
    public var openedBy: String
    /// When it was closed, with the DPO's note.
    public var closedAt: Date?
    public var closingNote: String?
    /// The notifications recorded, per region and recipient.
    public var notifications: [Notification]

    /// Open or closed.
    public enum Status: String, Sendable, CaseIterable, Codable {
        case open, closed
    }

    /// Who a notification goes to.
    public enum Recipient: String, Sendable, CaseIterable, Codable {
        /// The supervisory authority (GDPR Art. 33; ANPD; CAC; California Attorney General).
        case authority
        /// The affected subjects (GDPR Art. 34).
        case subjects
    }

    /// What the DPO recorded for one (region, recipient) duty.
    public struct Notification: Sendable, Equatable, Codable {
        public var region: RegionID
        public var recipient: Recipient
        /// Sent, or decided not required (the policy's condition is not met).
        public var outcome: Outcome
        /// When it was sent (or decided).
        public var notifiedAt: Date
        /// The authority's case number, the mailing's ticket, or the reason it is not required.
        public var reference: String

        public enum Outcome: String, Sendable, CaseIterable, Codable {
            case sent
            case notRequired = "not_required"
        }

        public init(region: RegionID, recipient: Recipient, outcome: Outcome, notifiedAt: Date, reference: String) {
            self.region = region
            self.recipient = recipient
            self.outcome = outcome
            self.notifiedAt = notifiedAt
            self.reference = reference
        }
    }

    /// The notification recorded for `recipient` in `region`, if any.
    public func notification(to recipient: Recipient, in region: RegionID) -> Notification? {
        notifications.first { $0.region == region && $0.recipient == recipient }
    }

    /// Every duty of every affected region at `now`, region by region, authority first.
    public func deadlines(under configuration: PolicyConfiguration, now: Date) -> [BreachDeadline] {
        regions.flatMap { region in
            let policy = configuration.policy(for: region)
            return Recipient.allCases.map { recipient in
                BreachDeadline(breach: self, region: region, recipient: recipient, policy: policy, now: now)
            }
        }
    }
}

/// The changes `breach update` may make; `nil` leaves a field as it is.
public struct BreachChanges: Sendable {
    public var title: String?
    public var regions: [RegionID]?
    public var categories: [DataCategory]?
    public var subjectsEstimate: Int?
    public var nature: String?
    public var consequences: String?
    public var measures: String?
    public var contact: String?

    public init(
        title: String? = nil,
        regions: [RegionID]? = nil,
        categories: [DataCategory]? = nil,
        subjectsEstimate: Int? = nil,
        nature: String? = nil,
        consequences: String? = nil,
        measures: String? = nil,
        contact: String? = nil
    ) {
        self.title = title
        self.regions = regions
        self.categories = categories
        self.subjectsEstimate = subjectsEstimate
        self.nature = nature
        self.consequences = consequences
        self.measures = measures
        self.contact = contact
    }

    /// Whether nothing would change.
    public var isEmpty: Bool {
        title == nil && regions == nil && categories == nil && subjectsEstimate == nil && nature == nil
            && consequences == nil && measures == nil && contact == nil
    }

    /// The names of the fields that change, for the audit entry (never their values).
    var fieldNames: [String] {
        [
            ("title", title != nil), ("regions", regions != nil), ("categories", categories != nil),
            ("subjectsEstimate", subjectsEstimate != nil), ("nature", nature != nil),
            ("consequences", consequences != nil), ("measures", measures != nil), ("contact", contact != nil),
        ].filter(\.1).map(\.0)
    }
}
