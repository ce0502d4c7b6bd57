import Foundation

extension AnswerExport {
    /// The answer as CSV (RFC 4180: CRLF line ends, fields with `,` `"` CR or LF quoted,
    /// quotes doubled), after `# label: value` comment lines with its privacy facts.
    ///
    /// - Warning: A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or
    ///   CR before one) as a formula, and dimension labels come from ingested data (a campaign
    ///   named `=HYPERLINK(...)`). Every text cell that starts with one of those characters is
    ///   prefixed with `'` (OWASP's CSV-injection guard); numbers Cordon wrote are never
    ///   prefixed, so a negative noisy count stays a number.
    public static func csv(_ answer: QueryAnswer) -> String {
        var lines = privacyFacts(answer).map { fact in
            "# \(fact.label): " + fact.value.map { $0 == "\r" || $0 == "\n" ? " " : $0 }
        }
        let (header, rows) = table(answer)
        lines.append(header.map { field(guarded($0)) }.joined(separator: ","))
        for row in rows {
            lines.append(
                row.map { cell in
                    switch cell {
                    case .text(let text): field(guarded(text))
                    case .number(let value): number(value)
                    case .empty: ""
                    }
                }
                .joined(separator: ",")
            )
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// `text`, prefixed with `'` when a spreadsheet would read it as a formula.
    static func guarded(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    /// One RFC 4180 field: quoted when it holds a comma, a quote, CR or LF.
    static func field(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
