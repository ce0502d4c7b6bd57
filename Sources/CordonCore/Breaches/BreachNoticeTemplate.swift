import Foundation

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

    /// The fields `policy`'s law requires in a notice to `recipient`.
    static func fields(for policy: PolicyID, recipient: Breach.Recipient) -> [FieldTemplate] {
        switch (policy.rawValue, recipient) {
        case ("gdpr", .authority), ("uk-gdpr", .authority):
            return gdprAuthority(law: policy.rawValue == "gdpr" ? "GDPR" : "UK GDPR")
        case ("gdpr", .subjects), ("uk-gdpr", .subjects):
            return gdprSubjects(law: policy.rawValue == "gdpr" ? "GDPR" : "UK GDPR")
        case ("lgpd", _):
            return lgpd
        case ("pipl", _):
            return pipl
        case ("ccpa", _):
            return ccpa
        default:
            return fields(for: "gdpr", recipient: recipient)
        }
    }

    /// GDPR Art. 33(3) (UK GDPR alike): the notification to the supervisory authority.
    private static func gdprAuthority(law: String) -> [FieldTemplate] {
        [
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
    }

    /// GDPR Art. 34(2) (UK GDPR alike): the communication to the data subjects.
    private static func gdprSubjects(law: String) -> [FieldTemplate] {
        [
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
    }

    /// LGPD Art. 48 §1 with the ANPD's Resolution 15/2024.
    private static var lgpd: [FieldTemplate] {
        [
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
    }

    /// PIPL Art. 57 with the CAC's incident measures.
    private static var pipl: [FieldTemplate] {
        [
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
    }

    /// Cal. Civ. Code 1798.82.
    private static var ccpa: [FieldTemplate] {
        [
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
    }
}
