/// An answer as a spreadsheet: CSV (RFC 4180) or an Office Open XML workbook (`.xlsx`).
///
/// Both carry the same table — the answer's columns, and after each numeric column its 95%
/// interval as `<column>_low` and `<column>_high` — and the same privacy facts (query, ε
/// spent per region, confidence, mechanism, withheld groups, release time): as leading
/// `# ` comment lines in CSV, as a second sheet "privacy" in the workbook. The CLI
/// (`--format csv|xlsx`), `POST /v1/query` (by `Accept`) and the console share these writers.
///
/// ```swift
/// let text = AnswerExport.csv(answer)        // "# query: SELECT ...\r\n...channel,subjects,subjects_low,..."
/// let workbook = AnswerExport.xlsx(answer)   // the bytes of a .xlsx file
/// ```
public enum AnswerExport {
    /// The media type of ``csv(_:)``'s output.
    public static let csvMediaType = "text/csv; charset=utf-8; header=present"
    /// The media type of ``xlsx(_:)``'s output.
    public static let xlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// One cell of the exported table.
    enum Cell: Equatable {
        case text(String)
        case number(Double)
        case empty
    }

    /// The header and rows: each numeric column followed by its interval bounds. A column is
    /// numeric when any row holds a number in it (an answer with no rows has no bounds columns).
    static func table(_ answer: QueryAnswer) -> (header: [String], rows: [[Cell]]) {
        let numeric = answer.columns.indices.map { index in
            answer.rows.contains { row in
                guard row.indices.contains(index), case .number = row[index] else { return false }
                return true
            }
        }
        var header: [String] = []
        for (index, column) in answer.columns.enumerated() {
            header.append(column)
            if numeric[index] { header += [column + "_low", column + "_high"] }
        }
        // Which regions each row adds up, and which withheld it (decision 0014).
        let coverage = answer.rowRegions.flatMap { $0.count == answer.rows.count ? $0 : nil }
        if coverage != nil { header += ["regions", "regions_suppressed"] }
        let rows = answer.rows.enumerated().map { position, row in
            var cells = answer.columns.indices.flatMap { index -> [Cell] in
                let cell = row.indices.contains(index) ? row[index] : .text("")
                switch cell {
                case .number(let value): return [.number(value.value), .number(value.low), .number(value.high)]
                case .text(let text): return numeric[index] ? [.text(text), .empty, .empty] : [.text(text)]
                }
            }
            if let coverage {
                cells += [
                    .text(coverage[position].regions.joined(separator: " ")),
                    .text(coverage[position].regionsSuppressed.joined(separator: " ")),
                ]
            }
            return cells
        }
        return (header, rows)
    }

    /// The privacy facts of an answer, as (label, value) pairs in a fixed order.
    static func privacyFacts(_ answer: QueryAnswer) -> [(label: String, value: String)] {
        let privacy = answer.privacy
        let regions = privacy.epsilonSpent.keys.sorted()
        func perRegion(_ values: [String: String]) -> String {
            regions.map { "\($0)=\(values[$0] ?? "?")" }.joined(separator: " ")
        }
        // Answers since decision 0014 do not count suppressed groups (no ε is spent on it);
        // each row names the regions that withheld it instead.
        var suppressed = "none counted; each row's regions_suppressed names the regions that withheld it"
        if let groups = answer.suppressedGroups {
            suppressed = "\(number(groups.value)) [\(number(groups.low)), \(number(groups.high))]"
        }
        return [
            ("query", answer.query),
            ("purpose", answer.purpose),
            ("analyst", answer.analyst),
            ("epsilon spent", perRegion(privacy.epsilonSpent)),
            ("budget remaining", perRegion(privacy.budgetRemaining)),
            ("confidence", number(privacy.confidenceLevel)),
            ("mechanism", privacy.mechanismSummary),
            ("suppressed groups", suppressed),
            (
                "cached",
                privacy.cached ? "true (released answer of the same query this period; nothing spent)" : "false"
            ),
            ("regions", regions.joined(separator: " ")),
            ("policy versions", perRegion(privacy.policyVersions)),
            ("released at", privacy.releasedAt),
        ]
    }

    /// A number as text: integers without decimals, others in Swift's shortest round-trip form.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
