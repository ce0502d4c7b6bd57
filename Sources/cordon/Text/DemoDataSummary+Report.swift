import CordonDemoData

extension DemoDataSummary {
    /// The summary for a terminal: totals, regions, the largest countries, minors and GPC,
    /// current consent rates per region and purpose, invalid lines and the event mix.
    var report: String {
        var lines: [String] = []
        lines.append(
            "subjects: \(subjects.lines) lines, \(subjects.valid) valid, \(subjects.invalidLines) invalid"
                + Self.breakdown(subjects.invalid)
        )
        lines.append(
            "events:   \(events.lines) lines, \(events.valid) valid, \(events.invalidLines) invalid"
                + Self.breakdown(events.invalid)
        )
        lines.append("seed \(seed), invalid rate \(invalidRate)")
        lines.append("")
        lines.append("regions:   " + Self.ranked(subjects.regions, of: subjects.valid, limit: .max))
        lines.append("countries: " + Self.ranked(subjects.countries, of: subjects.valid, limit: 12))
        lines.append(
            "minors (under their country's consent age): \(subjects.minors)"
                + "   gpc: \(subjects.gpc) (\(Self.percent(subjects.gpc, of: subjects.valid)))"
        )
        if let purposes = subjects.consents.values.first?.keys.sorted(), !purposes.isEmpty {
            lines.append("")
            lines.append("consent granted now (withdrawn, objected), by region:")
            var table = TextTableRows(headers: ["region"] + purposes)
            for region in subjects.consents.keys.sorted() {
                let byPurpose = subjects.consents[region] ?? [:]
                table.rows.append(
                    [region]
                        + purposes.map { purpose in
                            guard let tally = byPurpose[purpose], tally.subjects > 0 else { return "-" }
                            var cell = Self.percent(tally.granted, of: tally.subjects)
                            if tally.withdrawn + tally.objected > 0 {
                                cell += " (\(tally.withdrawn), \(tally.objected))"
                            }
                            return cell
                        }
                )
            }
            lines += table.lines
        }
        if events.valid > 0 {
            lines.append("")
            lines.append("event types: " + Self.ranked(events.types, of: events.valid, limit: .max))
            lines.append("purposes:    " + Self.ranked(events.purposes, of: events.valid, limit: .max))
            lines.append("channels:    " + Self.ranked(events.channels, of: events.valid, limit: .max))
            lines.append("devices:     " + Self.ranked(events.devices, of: events.valid, limit: .max))
            lines.append("subjects with events: \(events.subjectsWithEvents)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func breakdown(_ counts: [String: Int]) -> String {
        counts.isEmpty
            ? ""
            : " (" + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
    }

    private static func ranked(_ counts: [String: Int], of total: Int, limit: Int) -> String {
        let sorted = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        let shown = sorted.prefix(limit).map { "\($0.key) \($0.value) (\(percent($0.value, of: total)))" }
        let rest = sorted.count > limit ? ", … \(sorted.count - limit) more" : ""
        return shown.joined(separator: ", ") + rest
    }

    private static func percent(_ count: Int, of total: Int) -> String {
        guard total > 0 else { return "-" }
        let tenths = (count * 1000 + total / 2) / total
        return "\(tenths / 10).\(tenths % 10)%"
    }
}

/// Rows for ``TextTable``, built from arrays rather than variadic cells.
private struct TextTableRows {
    var headers: [String]
    var rows: [[String]] = []

    var lines: [String] {
        var table = TextTable("")
        table.headers = headers
        table.rows = rows
        return table.lines
    }
}
