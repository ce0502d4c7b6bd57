import CordonSystem

/// What an ingest input looks like when none of its lines could be used: the usual
/// mistakes (a CSV export, a JSON array, pretty-printed JSON, the other kind of line) named
/// once, instead of leaving the reader to infer them from a refusal per line.
///
/// Guessed from the first few non-blank lines, and only after every line was refused, so a
/// legitimate file is never judged by its first lines.
public enum InputShape: String, Sendable, Codable, Equatable {
    case csv
    case jsonArray = "json_array"
    case prettyPrintedJSON = "pretty_printed_json"
    case eventLines = "event_lines"
    case subjectLines = "subject_lines"

    /// How many non-blank lines a guess looks at.
    static let sampleSize = 5

    /// One sentence for the person who sent the input.
    public var hint: String {
        switch self {
        case .csv:
            "the input looks like CSV (delimited columns), not NDJSON: ingest reads one JSON object per line"
        case .jsonArray:
            "the input looks like a JSON array, not NDJSON: put each object on a line of its own, without the enclosing [ ] and the commas between objects"
        case .prettyPrintedJSON:
            "the input looks like JSON spread over several lines (pretty-printed): put each object on one line"
        case .eventLines:
            "the input looks like event lines (they have ts and event), not subject lines: ingest them as events"
        case .subjectLines:
            "the input looks like subject lines (they have country, pii or consents), not event lines: ingest them as subjects"
        }
    }

    /// The shape of `sample` (the first non-blank lines) when it is one of the known
    /// mistakes for an input of `kind` (`subjects` or `events`), else `nil`.
    static func guess(_ sample: [[UInt8]], kind: String) -> InputShape? {
        let lines = sample.map { $0.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF } }
        guard let first = lines.first, let start = first.first else { return nil }
        if start == UInt8(ascii: "[") { return .jsonArray }
        if start == UInt8(ascii: "{") {
            let trimmed = first.filter { $0 != 0x20 && $0 != 0x09 }
            if trimmed == [UInt8(ascii: "{")] { return .prettyPrintedJSON }
            return otherKind(lines, kind: kind)
        }
        for delimiter in [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";")] {
            let counts = lines.map { line in line.count { $0 == delimiter } }
            if counts[0] > 0 && counts.allSatisfy({ $0 == counts[0] }) { return .csv }
        }
        return nil
    }

    /// `eventLines` or `subjectLines` when every sampled line is a JSON object of the other
    /// kind.
    private static func otherKind(_ lines: [ArraySlice<UInt8>], kind: String) -> InputShape? {
        var keys: [Set<String>] = []
        for line in lines {
            guard let value = try? JSONParser.parse(Array(line)), case .object(let members) = value.kind else {
                return nil
            }
            keys.append(Set(members.map(\.key)))
        }
        let subjectKeys: Set<String> = ["country", "pii", "consents", "birthYear", "signals"]
        if kind == "subjects"
            && keys.allSatisfy({ $0.contains("ts") && $0.contains("event") && !$0.contains("country") })
        {
            return .eventLines
        }
        if kind == "events" && keys.allSatisfy({ !$0.isDisjoint(with: subjectKeys) && !$0.contains("ts") }) {
            return .subjectLines
        }
        return nil
    }
}
