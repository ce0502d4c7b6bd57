public import Foundation

/// A draft notification of a breach for one region and recipient: the fields that
/// region's law requires, filled from the register, each with the article that asks for
/// it. The DPO reviews and sends it; Cordon sends nothing.
///
/// ```swift
/// let notice = BreachNotice(breach: breach, region: "eu", recipient: .authority,
///                           configuration: vault.configuration, now: Date())
/// print(notice.markdown)
/// ```
public struct BreachNotice: Sendable, Encodable {
    public var breach: String
    public var title: String
    public var region: RegionID
    public var recipient: Breach.Recipient
    public var policy: String
    /// The law's name, from the policy.
    public var law: String
    /// The notification rule's own source (the policy's `breachNotification` source).
    public var source: String
    /// The duty's deadline and state when drafted.
    public var dueAt: String?
    public var state: BreachDeadline.State
    public var fields: [Field]
    /// The names of required fields the register does not hold yet.
    public var missing: [String]

    /// One required field.
    public struct Field: Sendable, Encodable {
        /// What the law calls it.
        public var name: String
        /// The article requiring it.
        public var article: String
        /// The register's value; `nil` when not recorded yet.
        public var value: String?
        /// The command that records it, when missing.
        public var fill: String?
    }

    /// Drafts the notice of `breach` for `recipient` in `region`, at `now`.
    public init(
        breach: Breach,
        region: RegionID,
        recipient: Breach.Recipient,
        configuration: PolicyConfiguration,
        now: Date
    ) {
        let policy = configuration.policy(for: region)
        let deadline = BreachDeadline(breach: breach, region: region, recipient: recipient, policy: policy, now: now)
        self.breach = breach.id
        self.title = breach.title
        self.region = region
        self.recipient = recipient
        self.policy = policy.id.rawValue
        self.law = policy.name
        self.source = deadline.source
        self.dueAt = deadline.dueAt.map(Timestamp.format)
        self.state = deadline.state
        let update = "cordon breach update \(breach.id)"
        let categories =
            breach.categories.isEmpty ? nil : breach.categories.map(\.rawValue).joined(separator: ", ")
        let numbers = breach.subjectsEstimate.map { "approximately \($0) data subjects" }
        let values: [BreachNoticeTemplate.Value: (String?, String)] = [
            .nature: (breach.nature ?? breach.title, "\(update) --nature TEXT"),
            .categories: (categories, "\(update) --categories CATEGORY,..."),
            .numbers: (numbers, "\(update) --subjects-estimate N (count with `cordon breach scope \(breach.id)`)"),
            .contact: (breach.contact, "\(update) --contact TEXT"),
            .consequences: (breach.consequences, "\(update) --consequences TEXT"),
            .measures: (breach.measures, "\(update) --measures TEXT"),
            .detectedAt: (Timestamp.format(breach.detectedAt), ""),
        ]
        fields = BreachNoticeTemplate.fields(for: policy.id, recipient: recipient).map { template in
            let (value, fill) = values[template.value] ?? (nil, "")
            return Field(name: template.name, article: template.article, value: value, fill: value == nil ? fill : nil)
        }
        missing = fields.filter { $0.value == nil }.map(\.name)
    }

    /// The draft as Markdown, for the DPO to paste into the authority's form or a letter.
    public var markdown: String {
        var lines = [
            "# Breach notification draft: \(title)",
            "",
            "- Breach: \(breach)",
            "- To: \(recipient == .authority ? "the supervisory authority" : "the affected data subjects") (region \(region), \(law))",
            "- Rule: \(source)",
            "- Due: \(dueAt ?? "no fixed time") (\(state.rawValue))",
            "",
        ]
        for field in fields {
            lines.append("## \(field.name)")
            lines.append("_\(field.article)_")
            lines.append("")
            lines.append(field.value ?? "**Not recorded yet** — \(field.fill ?? "record it")")
            lines.append("")
        }
        if !missing.isEmpty {
            lines.append("> Missing before sending: \(missing.joined(separator: "; ")).")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The fields each law requires in a breach notification, with the articles that say so.
///
/// Laws differ in wording, not in substance: each asks for the nature of the breach, the
/// data and people affected, a contact, the consequences and the measures. Policies
/// without an entry here fall back to GDPR Art. 33(3)'s list.
enum BreachNoticeTemplate {
    /// The register value a field is filled from.
    enum Value: Hashable { case nature, categories, numbers, contact, consequences, measures, detectedAt }

    struct FieldTemplate {
        var name: String
        var article: String
        var value: Value
    }

    static func fields(for policy: PolicyID, recipient: Breach.Recipient) -> [FieldTemplate] {
        switch (policy.rawValue, recipient) {
        case ("gdpr", .authority), ("uk-gdpr", .authority):
            let law = policy.rawValue == "gdpr" ? "GDPR" : "UK GDPR"
            return [
                FieldTemplate(name: "Nature of the breach", article: "\(law) Art. 33(3)(a)", value: .nature),
                FieldTemplate(
                    name: "Categories of data subjects and personal data records",
                    article: "\(law) Art. 33(3)(a)",
                    value: .categories
                ),
                FieldTemplate(
                    name: "Approximate number of data subjects and records",
                    article: "\(law) Art. 33(3)(a)",
                    value: .numbers
                ),
                FieldTemplate(name: "DPO or other contact point", article: "\(law) Art. 33(3)(b)", value: .contact),
                FieldTemplate(name: "Likely consequences", article: "\(law) Art. 33(3)(c)", value: .consequences),
                FieldTemplate(name: "Measures taken or proposed", article: "\(law) Art. 33(3)(d)", value: .measures),
            ]
        case ("gdpr", .subjects), ("uk-gdpr", .subjects):
            let law = policy.rawValue == "gdpr" ? "GDPR" : "UK GDPR"
            return [
                FieldTemplate(
                    name: "Nature of the breach (in clear and plain language)",
                    article: "\(law) Art. 34(2)",
                    value: .nature
                ),
                FieldTemplate(
                    name: "DPO or other contact point",
                    article: "\(law) Art. 34(2), 33(3)(b)",
                    value: .contact
                ),
                FieldTemplate(
                    name: "Likely consequences",
                    article: "\(law) Art. 34(2), 33(3)(c)",
                    value: .consequences
                ),
                FieldTemplate(
                    name: "Measures taken or proposed",
                    article: "\(law) Art. 34(2), 33(3)(d)",
                    value: .measures
                ),
            ]
        case ("lgpd", _):
            return [
                FieldTemplate(
                    name: "Description of the nature of the affected personal data",
                    article: "LGPD Art. 48 §1 I",
                    value: .categories
                ),
                FieldTemplate(
                    name: "Information on the data subjects involved",
                    article: "LGPD Art. 48 §1 II",
                    value: .numbers
                ),
                FieldTemplate(
                    name: "Technical and security measures used to protect the data",
                    article: "LGPD Art. 48 §1 III",
                    value: .measures
                ),
                FieldTemplate(
                    name: "Risks related to the incident",
                    article: "LGPD Art. 48 §1 IV",
                    value: .consequences
                ),
                FieldTemplate(
                    name: "Nature of the incident and when it was known",
                    article: "LGPD Art. 48 §1 V; Res. CD/ANPD 15/2024 Art. 6",
                    value: .nature
                ),
                FieldTemplate(
                    name: "Contact of the data protection officer",
                    article: "LGPD Art. 41 §2 I; Res. CD/ANPD 15/2024 Art. 6",
                    value: .contact
                ),
            ]
        case ("pipl", _):
            return [
                FieldTemplate(
                    name: "Categories of personal information involved",
                    article: "PIPL Art. 57(1)",
                    value: .categories
                ),
                FieldTemplate(name: "Cause of the incident", article: "PIPL Art. 57(1)", value: .nature),
                FieldTemplate(name: "Possible harm", article: "PIPL Art. 57(1)", value: .consequences),
                FieldTemplate(
                    name: "Remedial measures taken, and measures individuals can take",
                    article: "PIPL Art. 57(2)",
                    value: .measures
                ),
                FieldTemplate(
                    name: "Contact of the personal-information handler",
                    article: "PIPL Art. 57(3)",
                    value: .contact
                ),
                FieldTemplate(
                    name: "Number of individuals affected",
                    article: "CAC Incident Measures 2025 (report form)",
                    value: .numbers
                ),
            ]
        case ("ccpa", _):
            return [
                FieldTemplate(
                    name: "Name and contact information of the business",
                    article: "Cal. Civ. Code 1798.82(d)(2)(A)",
                    value: .contact
                ),
                FieldTemplate(
                    name: "Types of personal information breached",
                    article: "Cal. Civ. Code 1798.82(d)(2)(B)",
                    value: .categories
                ),
                FieldTemplate(
                    name: "Date of the breach (or estimated date)",
                    article: "Cal. Civ. Code 1798.82(d)(2)(C)",
                    value: .detectedAt
                ),
                FieldTemplate(
                    name: "General description of the breach incident",
                    article: "Cal. Civ. Code 1798.82(d)(2)(E)",
                    value: .nature
                ),
                FieldTemplate(
                    name: "Number of California residents affected",
                    article: "Cal. Civ. Code 1798.82(f)",
                    value: .numbers
                ),
                FieldTemplate(
                    name: "What the business is doing (measures)",
                    article: "Cal. Civ. Code 1798.82(d)(1) (model notice: What We Are Doing)",
                    value: .measures
                ),
            ]
        default:
            return fields(for: "gdpr", recipient: recipient)
        }
    }
}
