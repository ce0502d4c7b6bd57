import CordonCore

/// Checks a name typed on the command line — a region, purpose, role, right, state — against
/// the values it may take. An unknown one is a usage error (exit 64) that lists the valid
/// values and, when one is close, suggests it:
///
/// ```
/// error: unknown region 'ue' for --region (did you mean 'eu'?); valid: br, cn, eu, uk, us
/// ```
struct KnownValues {
    /// What the values are, for the message (`region`, `purpose`).
    let kind: String
    let valid: [String]

    init(_ kind: String, _ valid: some Sequence<String>) {
        self.kind = kind
        self.valid = Array(valid)
    }

    /// `given` when it is one of the valid values, else a usage error for `option` (an
    /// option name such as `region`, or a positional such as `<region>`).
    @discardableResult
    func check(_ given: String, option: String, command: any ParsableCommand.Type) throws -> String {
        guard !valid.contains(given) else { return given }
        throw UsageError(message(for: given, option: option), command: command)
    }

    /// The sentence refusing `given`.
    func message(for given: String, option: String) -> String {
        let place = option.hasPrefix("<") ? option : "--\(option)"
        let hint = suggestion(for: given).map { " (did you mean '\($0)'?)" } ?? ""
        return "unknown \(kind) '\(given)' for \(place)\(hint); valid: \(valid.sorted().joined(separator: ", "))"
    }

    /// The valid value nearest to `given` (case ignored, a swap of neighbours counting as
    /// one edit), when it is within a third of the word's length (at least one edit).
    func suggestion(for given: String) -> String? {
        let typed = Array(given.lowercased())
        let scored = valid.map { ($0, Self.distance(typed, Array($0.lowercased()))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(1, typed.count / 3) ? best.0 : nil
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps
    /// of adjacent characters, each one edit.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
                }
            }
        }
        return rows[a.count][b.count]
    }
}

extension KnownValues {
    /// The case of `T` that `given` names, or the usage error listing every case.
    static func choose<T: CaseIterable & RawRepresentable<String>>(
        _ type: T.Type,
        _ kind: String,
        _ given: String,
        option: String,
        command: any ParsableCommand.Type
    ) throws -> T {
        if let value = T(rawValue: given) { return value }
        let values = KnownValues(kind, T.allCases.map(\.rawValue))
        throw UsageError(values.message(for: given, option: option), command: command)
    }

    /// The region ids of the configuration.
    static func regions(_ configuration: PolicyConfiguration) -> KnownValues {
        KnownValues("region", configuration.regionIDs)
    }

    /// The purposes the catalog declares.
    static func purposes(_ configuration: PolicyConfiguration) -> KnownValues {
        KnownValues("purpose", configuration.catalog.purposes.map(\.purpose.rawValue))
    }
}
