import CordonSystem

extension AuditEntry {
    /// Decodes a stored line (without its `\n`) and insists it is canonical.
    ///
    /// Throws ``AuditError/Code/malformed`` when the bytes are not an entry, or are an entry
    /// whose canonical encoding differs from them (reordered keys, extra spaces, escaped
    /// `/`, unknown fields, ...): on disk, either means the line was edited.
    public static func decodeCanonical(_ line: some Collection<UInt8>) throws(AuditError) -> AuditEntry {
        let bytes = Array(line)
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw AuditError(.malformed, "not JSON: \(error)")
        }
        let entry = try decode(EntryFields(value))
        guard entry.canonicalBytes() == bytes else {
            throw AuditError(.malformed, "entry \(entry.sequence) is not in canonical form", sequence: entry.sequence)
        }
        return entry
    }

    private static func decode(_ fields: EntryFields) throws(AuditError) -> AuditEntry {
        let sequence = try fields.sequence()
        guard let time = AuditTimestamp(rfc3339: try fields.string("time")) else {
            throw AuditError(.malformed, "\"time\" must be RFC 3339 UTC with milliseconds", sequence: sequence)
        }
        guard let outcome = AuditOutcome(rawValue: try fields.string("outcome")) else {
            throw AuditError(.malformed, "\"outcome\" must be ok, denied or error", sequence: sequence)
        }
        let event = AuditEvent(
            actor: try fields.string("actor"),
            actorName: try fields.optionalString("actorName"),
            role: try fields.string("role"),
            action: try fields.string("action"),
            regions: try fields.strings("regions"),
            purpose: try fields.optionalString("purpose"),
            subjects: try fields.strings("subjects"),
            outcome: outcome,
            reason: try fields.optionalString("reason"),
            policyVersions: try fields.policyVersions(),
            requestId: try fields.string("requestId"),
            query: try fields.optionalString("query"),
            privacyCost: try fields.privacyCost(),
            details: try fields.details()
        )
        return AuditEntry(sequence: sequence, time: time, event: event)
    }
}

/// The members of a stored entry's JSON object, read by key with the errors of
/// ``AuditEntry/decodeCanonical(_:)``. Unknown and repeated keys are refused here; key
/// order and spelling are left to the comparison with the canonical re-encoding.
private struct EntryFields {
    private var fields: [String: JSONValue] = [:]

    init(_ value: JSONValue) throws(AuditError) {
        guard case .object(let members) = value.kind else {
            throw AuditError(.malformed, "an entry must be a JSON object")
        }
        for member in members {
            guard AuditEntry.CodingKeys(rawValue: member.key) != nil else {
                throw AuditError(.malformed, "unknown field \"\(member.key)\"")
            }
            guard fields.updateValue(member.value, forKey: member.key) == nil else {
                throw AuditError(.malformed, "field \"\(member.key)\" appears twice")
            }
        }
    }

    /// The literal of an integer in `Int64` (`-`, then digits; no fraction or exponent).
    static func integer(_ value: JSONValue) -> Int64? {
        guard case .number(let text) = value.kind, !text.contains(where: { ".eE".contains($0) }) else { return nil }
        return Int64(text)
    }

    func sequence() throws(AuditError) -> UInt64 {
        guard let value = fields["sequence"], let sequence = Self.integer(value), sequence >= 0 else {
            throw AuditError(.malformed, "\"sequence\" must be a non-negative integer")
        }
        return UInt64(sequence)
    }

    func string(_ key: String) throws(AuditError) -> String {
        guard case .string(let text)? = fields[key]?.kind else {
            throw AuditError(.malformed, "\"\(key)\" must be a string")
        }
        return text
    }

    func optionalString(_ key: String) throws(AuditError) -> String? {
        fields[key] == nil ? nil : try string(key)
    }

    func strings(_ key: String) throws(AuditError) -> [String] {
        guard case .array(let items)? = fields[key]?.kind else {
            throw AuditError(.malformed, "\"\(key)\" must be an array")
        }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item.kind else {
                throw AuditError(.malformed, "\"\(key)\" must hold strings")
            }
            strings.append(text)
        }
        return strings
    }

    private func members(_ key: String) throws(AuditError) -> [JSONValue.Member] {
        guard case .object(let members)? = fields[key]?.kind else {
            throw AuditError(.malformed, "\"\(key)\" must be an object")
        }
        return members
    }

    func policyVersions() throws(AuditError) -> [String: String] {
        var versions: [String: String] = [:]
        for member in try members("policyVersions") {
            guard case .string(let version) = member.value.kind else {
                throw AuditError(.malformed, "policy versions are strings")
            }
            versions[member.key] = version
        }
        return versions
    }

    func details() throws(AuditError) -> [String: AuditDetailValue] {
        var details: [String: AuditDetailValue] = [:]
        for member in try members("details") {
            if case .string(let text) = member.value.kind {
                details[member.key] = .string(text)
            } else if let number = Self.integer(member.value) {
                details[member.key] = .integer(number)
            } else {
                throw AuditError(.malformed, "details are strings or integers")
            }
        }
        return details
    }

    func privacyCost() throws(AuditError) -> PrivacyCost? {
        guard let cost = fields["privacyCostMicroEpsilon"] else { return nil }
        guard let micro = Self.integer(cost) else { throw AuditError(.malformed, "privacy cost must be an integer") }
        return PrivacyCost(microEpsilon: micro)
    }
}
