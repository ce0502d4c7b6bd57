extension AuditEntry {
    /// The entry's canonical JSON (without the line's `\n`): the exact bytes that are stored
    /// and hashed into the leaf.
    public func canonicalBytes() -> [UInt8] {
        var json = CanonicalJSON()
        // Keys in bytewise order: action actor actorName details outcome policyVersions
        // privacyCostMicroEpsilon purpose query reason regions requestId role sequence subjects time.
        json.raw(UInt8(ascii: "{"))
        json.key("action")
        json.string(event.action)
        json.raw(UInt8(ascii: ","))
        json.key("actor")
        json.string(event.actor)
        if let actorName = event.actorName {
            json.raw(UInt8(ascii: ","))
            json.key("actorName")
            json.string(actorName)
        }
        json.raw(UInt8(ascii: ","))
        json.key("details")
        json.object(event.details) { json, value in
            switch value {
            case .string(let text): json.string(text)
            case .integer(let number): json.integer(number)
            }
        }
        json.raw(UInt8(ascii: ","))
        json.key("outcome")
        json.string(event.outcome.rawValue)
        json.raw(UInt8(ascii: ","))
        json.key("policyVersions")
        json.object(event.policyVersions) { json, value in json.string(value) }
        if let cost = event.privacyCost {
            json.raw(UInt8(ascii: ","))
            json.key("privacyCostMicroEpsilon")
            json.integer(cost.microEpsilon)
        }
        if let purpose = event.purpose {
            json.raw(UInt8(ascii: ","))
            json.key("purpose")
            json.string(purpose)
        }
        if let query = event.query {
            json.raw(UInt8(ascii: ","))
            json.key("query")
            json.string(query)
        }
        if let reason = event.reason {
            json.raw(UInt8(ascii: ","))
            json.key("reason")
            json.string(reason)
        }
        json.raw(UInt8(ascii: ","))
        json.key("regions")
        json.stringArray(event.regions)
        json.raw(UInt8(ascii: ","))
        json.key("requestId")
        json.string(event.requestId)
        json.raw(UInt8(ascii: ","))
        json.key("role")
        json.string(event.role)
        json.raw(UInt8(ascii: ","))
        json.key("sequence")
        json.integer(sequence)
        json.raw(UInt8(ascii: ","))
        json.key("subjects")
        json.stringArray(event.subjects)
        json.raw(UInt8(ascii: ","))
        json.key("time")
        json.string(time.description)
        json.raw(UInt8(ascii: "}"))
        return json.bytes
    }

    /// The RFC 9162 leaf hash of this entry: `SHA-256(0x00 ‖ canonicalBytes())`.
    public var leafHash: [UInt8] { MerkleHasher.leafHash(canonicalBytes()) }

    /// Decodes a stored line (without its `\n`) and insists it is canonical.
    ///
    /// Throws ``AuditError/Code/malformed`` when the bytes are not an entry, or are an entry
    /// whose canonical encoding differs from them (reordered keys, extra spaces, escaped
    /// `/`, unknown fields, ...): on disk, either means the line was edited.
    public static func decodeCanonical(_ line: some Collection<UInt8>) throws(AuditError) -> AuditEntry {
        let bytes = Array(line)
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw AuditError(.malformed, "not JSON: \(error)")
        }
        let entry = try decode(value)
        guard entry.canonicalBytes() == bytes else {
            throw AuditError(.malformed, "entry \(entry.sequence) is not in canonical form", sequence: entry.sequence)
        }
        return entry
    }

    private static func decode(_ value: JSONValue) throws(AuditError) -> AuditEntry {
        guard case .object(let members) = value else { throw AuditError(.malformed, "an entry must be a JSON object") }
        var fields: [String: JSONValue] = [:]
        for (key, member) in members {
            guard CodingKeys(rawValue: key) != nil else { throw AuditError(.malformed, "unknown field \"\(key)\"") }
            fields[key] = member
        }
        func string(_ key: String) throws(AuditError) -> String {
            guard case .string(let text)? = fields[key] else {
                throw AuditError(.malformed, "\"\(key)\" must be a string")
            }
            return text
        }
        func optionalString(_ key: String) throws(AuditError) -> String? {
            fields[key] == nil ? nil : try string(key)
        }
        func strings(_ key: String) throws(AuditError) -> [String] {
            guard case .array(let items)? = fields[key] else {
                throw AuditError(.malformed, "\"\(key)\" must be an array")
            }
            var out: [String] = []
            for item in items {
                guard case .string(let text) = item else {
                    throw AuditError(.malformed, "\"\(key)\" must hold strings")
                }
                out.append(text)
            }
            return out
        }
        func object(_ key: String) throws(AuditError) -> [(key: String, value: JSONValue)] {
            guard case .object(let items)? = fields[key] else {
                throw AuditError(.malformed, "\"\(key)\" must be an object")
            }
            return items
        }
        guard case .integer(let sequence)? = fields["sequence"], sequence >= 0 else {
            throw AuditError(.malformed, "\"sequence\" must be a non-negative integer")
        }
        guard let time = AuditTimestamp(rfc3339: try string("time")) else {
            throw AuditError(.malformed, "\"time\" must be RFC 3339 UTC with milliseconds", sequence: UInt64(sequence))
        }
        guard let outcome = AuditOutcome(rawValue: try string("outcome")) else {
            throw AuditError(.malformed, "\"outcome\" must be ok, denied or error", sequence: UInt64(sequence))
        }
        var policyVersions: [String: String] = [:]
        for (key, item) in try object("policyVersions") {
            guard case .string(let version) = item else { throw AuditError(.malformed, "policy versions are strings") }
            policyVersions[key] = version
        }
        var details: [String: AuditDetailValue] = [:]
        for (key, item) in try object("details") {
            switch item {
            case .string(let text): details[key] = .string(text)
            case .integer(let number): details[key] = .integer(number)
            default: throw AuditError(.malformed, "details are strings or integers")
            }
        }
        var privacyCost: PrivacyCost?
        if let cost = fields["privacyCostMicroEpsilon"] {
            guard case .integer(let micro) = cost else {
                throw AuditError(.malformed, "privacy cost must be an integer")
            }
            privacyCost = PrivacyCost(microEpsilon: micro)
        }
        let event = AuditEvent(
            actor: try string("actor"),
            actorName: try optionalString("actorName"),
            role: try string("role"),
            action: try string("action"),
            regions: try strings("regions"),
            purpose: try optionalString("purpose"),
            subjects: try strings("subjects"),
            outcome: outcome,
            reason: try optionalString("reason"),
            policyVersions: policyVersions,
            requestId: try string("requestId"),
            query: try optionalString("query"),
            privacyCost: privacyCost,
            details: details
        )
        return AuditEntry(sequence: UInt64(sequence), time: time, event: event)
    }
}
