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
