import CordonCore

extension Policy {
    /// Citations longer than this are cut in the table; the policy file has them in full.
    static let tableSourceWidth = 70

    /// The rules in force as a readable plain-text table, for `cordon policy show REGION`.
    ///
    /// Sections: consent ages, purposes (basis, model, separate consent, GPC), retention per
    /// category, rights with deadlines and extensions, anonymization, transfers and breach
    /// notification. Citations are shortened; the policy file holds them in full.
    func renderTable() -> String {
        var out: [String] = []
        out.append("\(name)")
        out.append("policy \(id) version \(version) — \(jurisdiction)")
        if let notes { out.append("Note: \(notes)") }
        for section in [
            consentAgeSection, purposesSection, retentionSection, rightsSection, anonymizationSection,
            transfersSection, breachNotificationSection,
        ] {
            out.append("")
            out += section
        }
        out.append("")
        out.append("Full citations: policies/\(id).json")
        return out.joined(separator: "\n") + "\n"
    }

    /// A citation as the table shows it.
    private static func cite(_ source: String) -> String { source.truncated(to: tableSourceWidth) }

    private var consentAgeSection: [String] {
        var out = ["CONSENT AGE"]
        out.append("Guardian consent below \(minimumAge.consentAge) — \(Self.cite(minimumAge.source))")
        if !minimumAge.countryOverrides.isEmpty {
            let overrides = minimumAge.countryOverrides.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.age)" }
            out.append("National ages: " + overrides.joined(separator: ", "))
        }
        for (purpose, rule) in minimumAge.purposeOverrides.sorted(by: { $0.key < $1.key }) {
            out.append("\(purpose): \(rule.model.rawValue) below \(rule.belowAge) — \(Self.cite(rule.source))")
        }
        return out
    }

    private var purposesSection: [String] {
        var table = TextTable("purpose", "lawful basis", "model", "separate consent", "GPC", "source")
        for (purpose, rule) in purposes.sorted(by: { $0.key < $1.key }) {
            table.append(
                purpose.rawValue,
                rule.lawfulBasis.rawValue,
                rule.model.rawValue,
                rule.separateConsent ? "yes" : "no",
                rule.honorsGlobalPrivacyControl ? "honoured" : "-",
                Self.cite(rule.source)
            )
        }
        return ["PURPOSES"] + table.lines
    }

    private var retentionSection: [String] {
        var table = TextTable("category", "keep at most", "source")
        for (category, rule) in retention.sorted(by: { $0.key < $1.key }) {
            table.append(category.rawValue, rule.duration.description, Self.cite(rule.source))
        }
        return ["RETENTION"] + table.lines
    }

    private var rightsSection: [String] {
        var table = TextTable("right", "deadline", "extension", "source")
        for right in Right.allCases {
            guard let rule = rights[right] else { continue }
            let deadline = rule.deadline?.description ?? "not provided"
            let extensionText =
                rule.extensionPeriod.map { "+\($0.duration)\($0.requiresReason ? " with reasons" : "")" } ?? "-"
            table.append(right.rawValue, deadline, extensionText, Self.cite(rule.source))
        }
        return ["RIGHTS"] + table.lines
    }

    private var anonymizationSection: [String] {
        let a = anonymization
        var table = TextTable("rule", "value")
        table.append("minimum subjects per group", "\(a.minAggregationSubjects)")
        table.append("epsilon per query", "\(a.epsilonPerQuery)")
        table.append("budget per analyst", "\(a.budgetPerPeriod) per \(a.budgetPeriod)")
        table.append("delta", "\(a.delta)")
        table.append("max groups per subject", "\(a.maxGroupsPerSubject)")
        table.append("max rows per group", "\(a.maxRowsPerGroup)")
        return ["ANONYMIZATION"] + table.lines + ["Source: \(Self.cite(a.source))"]
    }

    private var transfersSection: [String] {
        [
            "TRANSFERS",
            "Raw personal data: \(transfers.rawData.rawValue) leaves the region",
            "Anonymized aggregates may go to: \(transfers.aggregates.map(\.rawValue).joined(separator: ", "))",
            "Source: \(Self.cite(transfers.source))",
        ]
    }

    private var breachNotificationSection: [String] {
        let notification = breachNotification
        var table = TextTable("notify", "when", "source")
        table.append("authority", Self.describe(notification.authority), Self.cite(notification.authority.source))
        table.append("subjects", Self.describe(notification.subjects), Self.cite(notification.subjects.source))
        var out = ["BREACH NOTIFICATION"] + table.lines
        if let hours = notification.authorityHours { out.append("Authority deadline: \(hours) hours") }
        return out
    }

    /// "within PT72H of awareness", "immediately", "within P3D (business days) of awareness".
    static func describe(_ rule: NotificationRule) -> String {
        let start = rule.clockStart == .awareness ? "awareness" : "notifying subjects"
        var text =
            switch rule.timing {
            case .within: "within \(rule.deadline?.description ?? "?") of \(start)"
            case .immediately: "immediately"
            case .withoutUndueDelay: "without undue delay"
            }
        if rule.condition != nil { text += " (conditional)" }
        return text
    }
}
