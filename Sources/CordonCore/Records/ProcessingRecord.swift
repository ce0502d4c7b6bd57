public import Foundation

/// The record of processing activities (GDPR Art. 30; UK GDPR Art. 30; LGPD Art. 37), and
/// for regions under PIPL the personal-information protection impact entries of Art. 55/56,
/// generated from the catalog and the policies in force — never typed by hand, so it cannot
/// drift from what the vault enforces.
///
/// Every value carries its source: the configuration file and field it comes from, and the
/// article behind it. ``entries`` is one flat list, which the three renderings group.
///
/// ```swift
/// let record = ProcessingRecord(configuration: vault.configuration, pageCipher: "xchacha20-poly1305",
///                               generatedAt: Date())
/// print(record.markdown)
/// ```
public struct ProcessingRecord: Sendable, Encodable {
    /// The catalog release the record describes.
    public var catalogVersion: String
    /// When the record was generated.
    public var generatedAt: String
    /// Every value, section by section.
    public var entries: [Entry]

    /// One value of the record with its source.
    public struct Entry: Sendable, Encodable, Equatable {
        /// `controller`, `activity`, `transfers`, `measures` or `impact-assessment`.
        public var section: String
        /// The processing activity (purpose) the value belongs to, if any.
        public var purpose: String?
        /// The region (and so the law) the value holds for, if it is region-specific.
        public var region: String?
        /// What the value is: `lawful basis`, `retention user.contact.email`, ...
        public var field: String
        public var value: String
        /// The file and field it was read from, and the article behind it.
        public var source: String
    }

    /// The sections in the order the record lists them.
    public static let sections = ["controller", "activity", "transfers", "measures", "impact-assessment"]

    /// Generates the record.
    ///
    /// - Parameters:
    ///   - pageCipher: The page AEAD of this instance (`cordon.json`), when known.
    ///   - generatedAt: The instant stamped on the record (injected, so output is reproducible).
    public init(configuration: PolicyConfiguration, pageCipher: String?, generatedAt: Date) {
        catalogVersion = configuration.catalog.version
        self.generatedAt = Timestamp.format(generatedAt)
        var entries: [Entry] = []
        let regions = configuration.regions.keys.sorted()
        for id in regions {
            guard let region = configuration.regions[id] else { continue }
            let policy = configuration.policy(for: id)
            entries.append(
                Entry(
                    section: "controller",
                    region: id.rawValue,
                    field: "storage and law",
                    value:
                        "\(region.name): stored in \(region.storageLocation), under \(policy.name) (policy \(policy.id) \(policy.version))",
                    source:
                        "regions/\(id).json storageLocation, policy; policies/\(policy.id).json jurisdiction: \(policy.jurisdiction)"
                )
            )
        }
        entries += Self.activities(configuration, regions: regions)
        entries += Self.transfers(configuration, regions: regions)
        entries += Self.measures(configuration, regions: regions, pageCipher: pageCipher)
        entries += Self.impactAssessments(configuration, regions: regions)
        self.entries = entries
    }

    /// The purposes declared by the catalog that the record lists.
    public var purposes: [String] { entries.compactMap(\.purpose).uniqued() }

    /// The data categories the record lists.
    public var categories: [String] {
        entries.filter { $0.field == "data category" }.map(\.value).uniqued()
    }

    private static func activities(_ configuration: PolicyConfiguration, regions: [RegionID]) -> [Entry] {
        let catalog = configuration.catalog
        let fields = catalog.subjectFields.map { ("subjects", $0) } + catalog.eventFields.map { ("events", $0) }
        var entries: [Entry] = []
        for declaration in catalog.purposes {
            let purpose = declaration.purpose.rawValue
            func entry(_ region: String?, _ field: String, _ value: String, _ source: String) -> Entry {
                Entry(section: "activity", purpose: purpose, region: region, field: field, value: value, source: source)
            }
            entries.append(
                entry(nil, "purpose", declaration.description, "regions/catalog.json purposes.\(purpose).description")
            )
            entries.append(
                entry(
                    nil,
                    "data subjects",
                    "customers of the shop (subjects) and their recorded events",
                    "regions/catalog.json subjects, events"
                )
            )
            for category in catalog.categories {
                let names = fields.filter { $0.1.category == category }.map { "\($0.0).\($0.1.name)" }
                entries.append(
                    entry(
                        nil,
                        "data category",
                        category.rawValue,
                        "regions/catalog.json \(names.joined(separator: ", "))"
                    )
                )
            }
            for id in regions {
                let policy = configuration.policy(for: id)
                let file = "policies/\(policy.id).json"
                if let rule = policy.purposes[declaration.purpose] {
                    let consent = rule.separateConsent ? ", separate consent" : ""
                    entries.append(
                        entry(
                            id.rawValue,
                            "lawful basis",
                            "\(rule.lawfulBasis.rawValue) (\(rule.model.rawValue)\(consent))",
                            "\(file) purposes.\(purpose): \(rule.source)"
                        )
                    )
                }
                for category in catalog.categories {
                    guard let rule = policy.retentionRule(for: category) else { continue }
                    entries.append(
                        entry(
                            id.rawValue,
                            "retention \(category)",
                            rule.duration.description,
                            "\(file) retention: \(rule.source)"
                        )
                    )
                }
                let recipients = policy.transfers.aggregates.filter { $0 != id }.map(\.rawValue).sorted()
                entries.append(
                    entry(
                        id.rawValue,
                        "recipients",
                        recipients.isEmpty
                            ? "none outside the region"
                            : "anonymized aggregates only, to analysts serving regions \(recipients.joined(separator: ", "))",
                        "\(file) transfers.aggregates: \(policy.transfers.source)"
                    )
                )
            }
        }
        return entries
    }

    private static func transfers(_ configuration: PolicyConfiguration, regions: [RegionID]) -> [Entry] {
        var entries: [Entry] = []
        for id in regions {
            let policy = configuration.policy(for: id)
            let file = "policies/\(policy.id).json"
            entries.append(
                Entry(
                    section: "transfers",
                    region: id.rawValue,
                    field: "raw personal data",
                    value: "never leaves the region; only anonymized aggregates do",
                    source: "\(file) transfers.rawData: \(policy.transfers.source)"
                )
            )
            for (mechanism, source) in policy.transfers.mechanisms.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                entries.append(
                    Entry(
                        section: "transfers",
                        region: id.rawValue,
                        field: "safeguard for an individual transfer",
                        value: mechanism.rawValue,
                        source: "\(file) transfers.mechanisms.\(mechanism.rawValue): \(source)"
                    )
                )
            }
            if let separateConsent = policy.transfers.separateConsent {
                entries.append(
                    Entry(
                        section: "transfers",
                        region: id.rawValue,
                        field: "separate consent",
                        value:
                            "required for every cross-border transfer: the person's latest cross_border_transfer consent record must be a current grant, and its source is kept with the transfer",
                        source: "\(file) transfers.separateConsent: \(separateConsent)"
                    )
                )
            }
        }
        return entries
    }

    private static func measures(
        _ configuration: PolicyConfiguration,
        regions: [RegionID],
        pageCipher: String?
    ) -> [Entry] {
        var entries = [
            Entry(
                section: "measures",
                field: "page encryption",
                value:
                    "every region store and control.db is sealed page by page (\(pageCipher ?? "the instance's page AEAD")) under a per-store key; a copy of a file reveals nothing",
                source: "cordon.json pageCipher; docs/decisions/0004-encrypted-page-store.md; GDPR Art. 32(1)(a)"
            ),
            Entry(
                section: "measures",
                field: "crypto-shredding",
                value:
                    "personal fields are sealed under a per-subject key; erasure destroys the key, so backups cannot restore the person",
                source: "docs/decisions/0003-keyrings-and-rotation.md; GDPR Art. 17, 32(1)(a)"
            ),
            Entry(
                section: "measures",
                field: "pseudonymized identifiers",
                value:
                    "identifiers and emails are stored only as keyed blind indexes; the audit trail names subjects by keyed pseudonym",
                source: "regions/catalog.json role identifier, pii; GDPR Art. 4(5), 25(1)"
            ),
            Entry(
                section: "measures",
                field: "audit trail",
                value: "every access is appended to a signed, append-only Merkle log before it is acknowledged",
                source: "audit/FORMAT.md; docs/decisions/0005-audited-write-path.md; GDPR Art. 5(2), 32(1)(d)"
            ),
        ]
        for id in regions {
            let policy = configuration.policy(for: id)
            let rules = policy.anonymization
            entries.append(
                Entry(
                    section: "measures",
                    region: id.rawValue,
                    field: "differential privacy",
                    value:
                        "analysts see only noisy aggregates: epsilon \(rules.epsilonPerQuery) per query, \(rules.budgetPerPeriod) per \(rules.budgetPeriod), groups of at least \(rules.minAggregationSubjects) subjects",
                    source:
                        "policies/\(policy.id).json anonymization: \(rules.source); docs/decisions/0006-query-privacy.md"
                )
            )
        }
        return entries
    }

    /// PIPL Art. 55 lists when a personal-information protection impact assessment is due;
    /// Art. 56 what it covers. One entry per trigger the configuration shows, for each
    /// region under PIPL.
    private static func impactAssessments(_ configuration: PolicyConfiguration, regions: [RegionID]) -> [Entry] {
        var entries: [Entry] = []
        for id in regions {
            let policy = configuration.policy(for: id)
            guard policy.id == "pipl" else { continue }
            let file = "policies/\(policy.id).json"
            func entry(_ purpose: String?, _ field: String, _ value: String, _ source: String) -> Entry {
                Entry(
                    section: "impact-assessment",
                    purpose: purpose,
                    region: id.rawValue,
                    field: field,
                    value: value,
                    source: source
                )
            }
            for declaration in configuration.catalog.purposes {
                // A transfer abroad is the Art. 55(4) trigger below, not providing to others.
                guard declaration.purpose != .crossBorderTransfer, let rule = policy.purposes[declaration.purpose],
                    rule.isPermitted, rule.separateConsent
                else {
                    continue
                }
                entries.append(
                    entry(
                        declaration.purpose.rawValue,
                        "PIPIA trigger: providing personal information to others (Art. 55(3))",
                        "assess purpose and method (Art. 56(1)), impact and risk (56(2)), and the separate consent and disclosure measures (56(3)); keep the report three years (Art. 56)",
                        "\(file) purposes.\(declaration.purpose).separateConsent: \(rule.source)"
                    )
                )
            }
            if !policy.transfers.mechanisms.isEmpty {
                entries.append(
                    entry(
                        Purpose.crossBorderTransfer.rawValue,
                        "PIPIA trigger: providing personal information abroad (Art. 55(4))",
                        "before each kind of cross-border transfer recorded by `cordon transfer request`: assess the recipient, the mechanism (\(policy.transfers.mechanisms.keys.map(\.rawValue).sorted().joined(separator: ", "))) and the volume tier",
                        "\(file) transfers.mechanisms, volumeTiers; PIPL Art. 38-40, 55(4)"
                    )
                )
            }
            entries.append(
                entry(
                    nil,
                    "compliance audit (Art. 54)",
                    "regular audits of processing against PIPL, evidenced by the verified audit trail (`cordon audit verify`)",
                    "PIPL Art. 54; audit/FORMAT.md"
                )
            )
        }
        return entries
    }
}
