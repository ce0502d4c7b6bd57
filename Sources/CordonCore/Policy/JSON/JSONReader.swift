import CordonSystem
import Foundation

/// Collects the issues found in one configuration file, and the line of every path read,
/// so checks that span files can still point at a line.
final class LintCollector {
    let file: String
    private(set) var issues: [LintIssue] = []
    private(set) var lines: [String: Int] = [:]

    init(file: String) { self.file = file }

    func report(_ message: String, at path: String, line: Int?) {
        issues.append(LintIssue(file: file, path: path, line: line, message: message))
    }

    func record(_ path: String, line: Int) { lines[path] = line }
}

/// A cursor on one JSON value that knows its path and reports type errors as lint issues.
///
/// Every accessor returns `nil` after reporting when the value has the wrong shape, so a
/// decoder can read everything, collect every issue, and build its model only at the end.
struct JSONReader {
    let value: JSONValue
    let path: String
    let collector: LintCollector

    init(value: JSONValue, path: String = "$", collector: LintCollector) {
        self.value = value
        self.path = path
        self.collector = collector
        collector.record(path, line: value.line)
    }

    /// Reports `message` at this value.
    func report(_ message: String) { collector.report(message, at: path, line: value.line) }

    /// The path of member `key` below `path`: `.key`, or `["key"]` when the key is not an identifier.
    static func path(_ path: String, appending key: String) -> String {
        let isIdentifier =
            key.first.map { $0.isLetter || $0 == "_" } == true
            && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        if isIdentifier { return "\(path).\(key)" }
        let escaped = key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\(path)[\"\(escaped)\"]"
    }

    private func wrongType<T>(_ expected: String) -> T? {
        report("expected \(expected), found \(value.typeName)")
        return nil
    }

    /// A string, or `nil` after reporting; empty strings are refused unless `allowEmpty`.
    func string(allowEmpty: Bool = false) -> String? {
        guard case .string(let text) = value.kind else { return wrongType("a string") }
        guard allowEmpty || !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            report("must not be empty")
            return nil
        }
        return text
    }

    /// A whole number within `range`, or `nil` after reporting.
    func integer(in range: ClosedRange<Int>? = nil) -> Int? {
        guard case .number(let text) = value.kind else { return wrongType("an integer") }
        guard let number = Int(text) else {
            report("expected an integer, found \(text)")
            return nil
        }
        if let range, !range.contains(number) {
            report("\(number) is out of range; allowed: \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return number
    }

    /// A finite number, or `nil` after reporting.
    func number() -> Double? {
        guard case .number(let text) = value.kind else { return wrongType("a number") }
        guard let number = Double(text), number.isFinite else {
            report("\(text) is not a finite number")
            return nil
        }
        return number
    }

    /// `true` or `false`, or `nil` after reporting.
    func bool() -> Bool? {
        guard case .bool(let flag) = value.kind else { return wrongType("true or false") }
        return flag
    }

    /// The elements, or `nil` after reporting.
    func array() -> [JSONReader]? {
        guard case .array(let elements) = value.kind else { return wrongType("an array") }
        return elements.enumerated().map { JSONReader(value: $1, path: "\(path)[\($0)]", collector: collector) }
    }

    /// The members of an object whose keys are data (purposes, categories, countries), in
    /// file order; duplicate keys are reported and dropped.
    func members() -> [(key: String, reader: JSONReader)]? {
        guard case .object(let members) = value.kind else { return wrongType("an object") }
        var seen: Set<String> = []
        var result: [(key: String, reader: JSONReader)] = []
        for member in members {
            let childPath = Self.path(path, appending: member.key)
            guard seen.insert(member.key).inserted else {
                collector.report(
                    "duplicate key '\(member.key)'; each key may appear once",
                    at: childPath,
                    line: member.line
                )
                continue
            }
            result.append((member.key, JSONReader(value: member.value, path: childPath, collector: collector)))
        }
        return result
    }

    /// An object with a fixed set of keys: unknown keys are reported with the allowed list,
    /// missing required keys when asked for.
    func object(required: [String], optional: [String] = []) -> ObjectReader? {
        guard let members = members() else { return nil }
        let allowed = Set(required + optional)
        var known: [String: JSONReader] = [:]
        for (key, reader) in members {
            guard allowed.contains(key) else {
                reader.report("unknown key '\(key)'; allowed keys: \(allowed.sorted().joined(separator: ", "))")
                continue
            }
            known[key] = reader
        }
        return ObjectReader(reader: self, members: known)
    }

    /// An ISO 8601 duration, or `nil` after reporting; zero durations are refused unless `allowZero`.
    func duration(allowZero: Bool = false) -> ISODuration? {
        guard let text = string() else { return nil }
        do {
            let duration = try ISODuration(parsing: text)
            guard allowZero || !duration.isZero else {
                report("'\(text)' is a zero duration; a rule needs a positive period")
                return nil
            }
            return duration
        } catch {
            report(error.description)
            return nil
        }
    }

    /// One of an enumeration's raw values, or `nil` after reporting the allowed values.
    func oneOf<Value: RawRepresentable & CaseIterable>(_ type: Value.Type) -> Value? where Value.RawValue == String {
        guard let text = string(allowEmpty: true) else { return nil }
        guard let parsed = Value(rawValue: text) else {
            report(
                "'\(text)' is not allowed; expected one of: \(Value.allCases.map(\.rawValue).joined(separator: ", "))"
            )
            return nil
        }
        return parsed
    }
}

/// The known members of a JSON object, read by key.
struct ObjectReader {
    let reader: JSONReader
    let members: [String: JSONReader]

    /// The member `key`, or `nil` after reporting that the required key is missing.
    func required(_ key: String) -> JSONReader? {
        guard let member = members[key] else {
            reader.report("missing required key '\(key)'")
            return nil
        }
        return member
    }

    /// The member `key` if present.
    func optional(_ key: String) -> JSONReader? { members[key] }

    /// Whether the member `key` is present.
    func has(_ key: String) -> Bool { members[key] != nil }
}
