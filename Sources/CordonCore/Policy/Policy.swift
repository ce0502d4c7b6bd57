/// The machine-readable rules of one jurisdiction (`policies/<id>.json`).
///
/// A policy says, per purpose, on what lawful basis and under which consent model data
/// may be processed; how long each data category may be kept; how fast each data-subject
/// right must be honoured; how aggregates are anonymized; where data may go; and how fast
/// a breach must be reported. Every rule carries the `source` (article or section) it
/// comes from. Load policies with ``PolicyConfiguration/load(from:)``, which lints them.
///
/// ```swift
/// let configuration = try PolicyConfiguration.load(from: root)
/// let gdpr = configuration.policies["gdpr"]!
/// gdpr.purposes[.analytics]?.requiresConsent           // true
/// gdpr.retention(for: "user.behavior.browsing_history") // P13M, from "user.behavior"
/// ```
public struct Policy: Hashable, Sendable {
    /// The policy's identifier, e.g. `gdpr`.
    public var id: PolicyID
    /// The release of these rules, e.g. `2026.11.1`; recorded in every audit entry.
    public var version: String
    /// The law's name.
    public var name: String
    /// Where the law applies, in words.
    public var jurisdiction: String
    /// The legal texts the rules cite.
    public var sources: [Source]
    /// Caveats for readers (which figures are policy choices rather than law), if any.
    public var notes: String?
    /// Ages below which a guardian must consent, and age-dependent consent models.
    public var minimumAge: AgeRules
    /// The rule for each purpose; the linter guarantees every catalog purpose is present.
    public var purposes: [Purpose: PurposeRule]
    /// The maximum retention per data category; look up with ``retention(for:)``.
    public var retention: [DataCategory: RetentionRule]
    /// The rule for each data-subject right; the linter guarantees every ``Right`` is present.
    public var rights: [Right: RightRule]
    /// Aggregation thresholds, privacy budget and contribution bounds.
    public var anonymization: AnonymizationRules
    /// What may leave the region.
    public var transfers: TransferRules
    /// How fast the authority and the subjects must hear of a breach.
    public var breachNotification: BreachNotification

    /// Creates a policy; ``PolicyConfiguration/load(from:)`` is the usual way to get one.
    public init(
        id: PolicyID,
        version: String,
        name: String,
        jurisdiction: String,
        sources: [Source],
        notes: String? = nil,
        minimumAge: AgeRules,
        purposes: [Purpose: PurposeRule],
        retention: [DataCategory: RetentionRule],
        rights: [Right: RightRule],
        anonymization: AnonymizationRules,
        transfers: TransferRules,
        breachNotification: BreachNotification
    ) {
        self.id = id
        self.version = version
        self.name = name
        self.jurisdiction = jurisdiction
        self.sources = sources
        self.notes = notes
        self.minimumAge = minimumAge
        self.purposes = purposes
        self.retention = retention
        self.rights = rights
        self.anonymization = anonymization
        self.transfers = transfers
        self.breachNotification = breachNotification
    }

    /// A legal text the policy cites.
    public struct Source: Hashable, Sendable {
        /// The short name rules use to cite it, e.g. `GDPR`.
        public var id: String
        /// The full title.
        public var title: String
        /// Where to read it.
        public var url: String

        /// Creates a source entry.
        public init(id: String, title: String, url: String) {
            self.id = id
            self.title = title
            self.url = url
        }
    }
}
