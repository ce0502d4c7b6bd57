/// A plain-text table with left-aligned, space-padded columns, for terminal output.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }

    mutating func append(_ cells: String...) {
        precondition(cells.count == headers.count, "a row needs \(headers.count) cells")
        rows.append(cells)
    }

    /// The rendered lines, header first, then a rule, then the rows; no trailing spaces.
    var lines: [String] {
        let widths = headers.indices.map { column in
            ([headers] + rows).map { $0[column].count }.max() ?? 0
        }
        func render(_ cells: [String]) -> String {
            var line = ""
            for (column, cell) in cells.enumerated() {
                let isLast = column == cells.count - 1
                line += isLast ? cell : cell.padding(toWidth: widths[column]) + "  "
            }
            return String(line.reversed().drop(while: { $0 == " " }).reversed())
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return [render(headers), rule] + rows.map(render)
    }
}

extension String {
    /// The string followed by spaces up to `width` characters.
    func padding(toWidth width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// The string cut to `limit` characters, ending in an ellipsis when cut.
    func truncated(to limit: Int) -> String {
        count <= limit ? self : String(prefix(limit - 1)) + "…"
    }
}
