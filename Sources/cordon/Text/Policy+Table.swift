extension Policy {
    /// Citations longer than this are cut in the table; the policy file has them in full.
    static let tableSourceWidth = 70

    /// The rules in force as a readable plain-text table, for `cordon policy show REGION`.
    ///
    /// Sections: consent ages, purposes (basis, model, separate consent, GPC), retention per
    /// category, rights with deadlines and extensions, anonymization, transfers and breach
    /// notification. Citations are shortened; the policy file holds them in full.
    public func renderTable() -> String {
        var out: [String] = []
        out.append("\(name)")
        out.append("policy \(id) version \(version) — \(jurisdiction)")
        if let notes { out.append("Note: \(notes)") }

        out.append("")
        out.append("CONSENT AGE")
        out.append(
            "Guardian consent below \(minimumAge.consentAge) — \(minimumAge.source.truncated(to: Self.tableSourceWidth))"
        )
        if !minimumAge.countryOverrides.isEmpty {
            let overrides = minimumAge.countryOverrides.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.age)" }
            out.append("National ages: " + overrides.joined(separator: ", "))
        }
        for (purpose, rule) in minimumAge.purposeOverrides.sorted(by: { $0.key < $1.key }) {
            out.append(
                "\(purpose): \(rule.model.rawValue) below \(rule.belowAge) — \(rule.source.truncated(to: Self.tableSourceWidth))"
            )
        }

        out.append("")
        out.append("PURPOSES")
        var purposeTable = TextTable("purpose", "lawful basis", "model", "separate consent", "GPC", "source")
        for (purpose, rule) in purposes.sorted(by: { $0.key < $1.key }) {
            purposeTable.append(
                purpose.rawValue,
                rule.lawfulBasis.rawValue,
                rule.model.rawValue,
                rule.separateConsent ? "yes" : "no",
                rule.honorsGlobalPrivacyControl ? "honoured" : "-",
                rule.source.truncated(to: Self.tableSourceWidth)
            )
        }
        out += purposeTable.lines

        out.append("")
        out.append("RETENTION")
        var retentionTable = TextTable("category", "keep at most", "source")
        for (category, rule) in retention.sorted(by: { $0.key < $1.key }) {
            retentionTable.append(
                category.rawValue,
                rule.duration.description,
                rule.source.truncated(to: Self.tableSourceWidth)
            )
        }
        out += retentionTable.lines

        out.append("")
        out.append("RIGHTS")
        var rightsTable = TextTable("right", "deadline", "extension", "source")
        for right in Right.allCases {
            guard let rule = rights[right] else { continue }
            let deadline = rule.deadline?.description ?? "not provided"
            let extensionText =
                rule.extensionPeriod.map { "+\($0.duration)\($0.requiresReason ? " with reasons" : "")" } ?? "-"
            rightsTable.append(
                right.rawValue,
                deadline,
                extensionText,
                rule.source.truncated(to: Self.tableSourceWidth)
            )
        }
        out += rightsTable.lines

        out.append("")
        out.append("ANONYMIZATION")
        let a = anonymization
        var anonymizationTable = TextTable("rule", "value")
        anonymizationTable.append("minimum subjects per group", "\(a.minAggregationSubjects)")
        anonymizationTable.append("epsilon per query", "\(a.epsilonPerQuery)")
        anonymizationTable.append("budget per analyst", "\(a.budgetPerPeriod) per \(a.budgetPeriod)")
        anonymizationTable.append("delta", "\(a.delta)")
        anonymizationTable.append("max groups per subject", "\(a.maxGroupsPerSubject)")
        anonymizationTable.append("max rows per group", "\(a.maxRowsPerGroup)")
        out += anonymizationTable.lines
        out.append("Source: \(a.source.truncated(to: Self.tableSourceWidth))")

        out.append("")
        out.append("TRANSFERS")
        out.append("Raw personal data: \(transfers.rawData.rawValue) leaves the region")
        out.append("Anonymized aggregates may go to: \(transfers.aggregates.map(\.rawValue).joined(separator: ", "))")
        out.append("Source: \(transfers.source.truncated(to: Self.tableSourceWidth))")

        out.append("")
        out.append("BREACH NOTIFICATION")
        var breachTable = TextTable("notify", "when", "source")
        breachTable.append(
            "authority",
            Self.describe(breachNotification.authority),
            breachNotification.authority.source.truncated(to: Self.tableSourceWidth)
        )
        breachTable.append(
            "subjects",
            Self.describe(breachNotification.subjects),
            breachNotification.subjects.source.truncated(to: Self.tableSourceWidth)
        )
        out += breachTable.lines
        if let hours = breachNotification.authorityHours { out.append("Authority deadline: \(hours) hours") }
        out.append("")
        out.append("Full citations: policies/\(id).json")
        return out.joined(separator: "\n") + "\n"
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
