import Foundation

extension ProcessingRecord {
    /// The record as Markdown: one section per heading, activities grouped by purpose.
    public var markdown: String {
        var lines = [
            "# Record of processing activities",
            "",
            "GDPR Art. 30 (and UK GDPR Art. 30, LGPD Art. 37; PIPL Art. 54-56 for regions under PIPL). Generated from the catalog \(catalogVersion) and the policies in force at \(generatedAt); every value names its source.",
            "",
        ]
        let titles = [
            "controller": "Regions, storage and law",
            "activity": "Processing activities",
            "transfers": "Transfers and safeguards",
            "measures": "Technical and organisational measures (Art. 32)",
            "impact-assessment": "Personal-information protection impact assessments (PIPL Art. 55/56)",
        ]
        for section in Self.sections {
            let rows = entries.filter { $0.section == section }
            guard !rows.isEmpty else { continue }
            lines.append("## \(titles[section] ?? section)")
            lines.append("")
            var purpose: String?
            for row in rows {
                if row.purpose != purpose, let next = row.purpose {
                    if lines.last != "" { lines.append("") }
                    lines.append("### \(next)")
                    lines.append("")
                }
                purpose = row.purpose
                let region = row.region.map { "[\($0)] " } ?? ""
                lines.append("- \(region)**\(row.field)**: \(row.value) — _\(row.source)_")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// The record as CSV (RFC 4180): `section,purpose,region,field,value,source`, with the
    /// same formula guard as query exports.
    public var csv: String {
        var lines = ["section,purpose,region,field,value,source"]
        for row in entries {
            lines.append(
                [row.section, row.purpose ?? "", row.region ?? "", row.field, row.value, row.source]
                    .map { AnswerExport.field(AnswerExport.guarded($0)) }.joined(separator: ",")
            )
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
