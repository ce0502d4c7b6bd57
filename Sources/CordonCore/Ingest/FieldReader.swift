import CordonCrypto
import CordonSystem
import Foundation

/// Reads one JSON object of an ingest line strictly: undeclared or duplicated keys,
/// wrong types and out-of-bounds values become `invalid_field` rejections that name the
/// field, never its value.
struct FieldReader {
    private(set) var members: [String: JSONValue] = [:]
    let path: String

    /// Wraps `value`, which must be an object whose keys are all in `allowed`.
    init(_ value: JSONValue, path: String, allowed: [String]) throws(LineRejection) {
        self.path = path
        guard case .object(let list) = value.kind else {
            throw path.isEmpty
                ? LineRejection(reason: .malformedJSON, message: "the line is a JSON \(value.typeName), not an object")
                : .invalid(path, "must be an object, got \(value.typeName)")
        }
        for member in list {
            let name = qualified(member.key)
            guard allowed.contains(member.key) else {
                throw .invalid(
                    name,
                    "is not declared in the catalog (allowed here: \(allowed.joined(separator: ", ")))"
                )
            }
            guard members[member.key] == nil else { throw .invalid(name, "appears twice") }
            members[member.key] = member.value
        }
    }

    func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value of `key` unless it is absent or null.
    func value(_ key: String) -> JSONValue? {
        guard let value = members[key] else { return nil }
        if case .null = value.kind { return nil }
        return value
    }

    func require(_ key: String) throws(LineRejection) -> JSONValue {
        guard let value = value(key) else { throw .invalid(qualified(key), "is required") }
        return value
    }

    func string(_ key: String, maxLength: Int?, required: Bool) throws(LineRejection) -> String? {
        guard let value = required ? try require(key) : value(key) else { return nil }
        guard case .string(let text) = value.kind else {
            throw .invalid(qualified(key), "must be a string, got \(value.typeName)")
        }
        if text.isEmpty { throw .invalid(qualified(key), "must not be empty") }
        if let maxLength, text.count > maxLength {
            throw .invalid(qualified(key), "is longer than \(maxLength) characters")
        }
        return text
    }

    func integer(_ key: String, minimum: Int?, maximum: Int?, required: Bool) throws(LineRejection) -> Int? {
        guard let value = required ? try require(key) : value(key) else { return nil }
        guard case .number(let text) = value.kind, let number = Int(text) else {
            throw .invalid(qualified(key), "must be an integer, got \(value.typeName)")
        }
        if let minimum, number < minimum { throw .invalid(qualified(key), "is below the minimum \(minimum)") }
        if let maximum, number > maximum { throw .invalid(qualified(key), "is above the maximum \(maximum)") }
        return number
    }

    func bool(_ key: String) throws(LineRejection) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value.kind else {
            throw .invalid(qualified(key), "must be true or false, got \(value.typeName)")
        }
        return flag
    }

    /// An RFC 3339 instant as Unix seconds, within `times` when given.
    func timestamp(_ key: String, required: Bool, within times: PlausibleTimes?) throws(LineRejection) -> Int64? {
        guard let text = try string(key, maxLength: 64, required: required) else { return nil }
        guard let seconds = Timestamp.parseSeconds(text) else {
            throw .invalid(qualified(key), "must be \(Timestamp.expectedForm)")
        }
        try times?.check(seconds, field: qualified(key))
        return seconds
    }

    func purpose(_ key: String, catalog: Catalog, required: Bool) throws(LineRejection) -> Purpose? {
        guard let text = try string(key, maxLength: 64, required: required) else { return nil }
        let purpose = Purpose(rawValue: text)
        guard catalog.declares(purpose) else {
            throw .invalid(
                qualified(key),
                "must be a declared purpose: \(catalog.purposes.map(\.purpose.rawValue).sorted().joined(separator: ", ")) (the value given is not repeated: it may be personal data)"
            )
        }
        return purpose
    }

    func objectArray(_ key: String) throws(LineRejection) -> [JSONValue] {
        guard let value = value(key) else { return [] }
        guard case .array(let items) = value.kind else {
            throw .invalid(qualified(key), "must be an array, got \(value.typeName)")
        }
        return items
    }
}

extension JSONParser {
    /// Parses one ingest line, mapping a syntax error to `malformed_json`.
    static func parseLine(_ bytes: [UInt8]) throws(LineRejection) -> JSONValue {
        do {
            return try parse(bytes)
        } catch {
            throw LineRejection(
                reason: .malformedJSON,
                message: "not valid JSON at column \(error.column): \(error.message)"
            )
        }
    }
}
