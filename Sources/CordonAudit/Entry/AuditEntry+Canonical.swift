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
}
