import Foundation

extension DSRRequest: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, region, subjectID, externalRef, kind, receivedAt, dueAt, extendedDueAt, extensionReason, status
        case completedAt, outcome, policyID, policyVersion, effectiveDueAt
    }

    /// Decodes what ``encode(to:)`` writes; `effectiveDueAt` is recomputed, not read.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kindText = try container.decode(String.self, forKey: .kind)
        guard let kind = Right(rawValue: kindText) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown right")
        }
        let statusText = try container.decode(String.self, forKey: .status)
        guard let status = Status(rawValue: statusText) else {
            throw DecodingError.dataCorruptedError(forKey: .status, in: container, debugDescription: "unknown status")
        }
        self.init(
            id: try container.decode(String.self, forKey: .id),
            region: RegionID(rawValue: try container.decode(String.self, forKey: .region)),
            subjectID: try container.decodeIfPresent(String.self, forKey: .subjectID),
            externalRef: try container.decodeIfPresent(String.self, forKey: .externalRef),
            kind: kind,
            receivedAt: try container.decodeTimestamp(forKey: .receivedAt),
            dueAt: try container.decodeTimestamp(forKey: .dueAt),
            extendedDueAt: try container.decodeTimestampIfPresent(forKey: .extendedDueAt),
            extensionReason: try container.decodeIfPresent(String.self, forKey: .extensionReason),
            status: status,
            completedAt: try container.decodeTimestampIfPresent(forKey: .completedAt),
            outcome: try container.decodeIfPresent(String.self, forKey: .outcome),
            policyID: PolicyID(rawValue: try container.decode(String.self, forKey: .policyID)),
            policyVersion: try container.decode(String.self, forKey: .policyVersion)
        )
    }

    /// Writes every key, `null` where there is no value, so scripts can rely on the
    /// shape; times as RFC 3339 strings; plus `effectiveDueAt` for convenience.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(region.rawValue, forKey: .region)
        try container.encodeOrNull(subjectID, forKey: .subjectID)
        try container.encodeOrNull(externalRef, forKey: .externalRef)
        try container.encode(kind.rawValue, forKey: .kind)
        try container.encode(Timestamp.format(receivedAt), forKey: .receivedAt)
        try container.encode(Timestamp.format(dueAt), forKey: .dueAt)
        try container.encodeOrNull(extendedDueAt.map(Timestamp.format), forKey: .extendedDueAt)
        try container.encodeOrNull(extensionReason, forKey: .extensionReason)
        try container.encode(status.rawValue, forKey: .status)
        try container.encodeOrNull(completedAt.map(Timestamp.format), forKey: .completedAt)
        try container.encodeOrNull(outcome, forKey: .outcome)
        try container.encode(policyID.rawValue, forKey: .policyID)
        try container.encode(policyVersion, forKey: .policyVersion)
        try container.encode(Timestamp.format(effectiveDueAt), forKey: .effectiveDueAt)
    }
}

extension KeyedEncodingContainer {
    /// Encodes the value, or an explicit `null` when there is none.
    fileprivate mutating func encodeOrNull(_ value: String?, forKey key: Key) throws {
        if let value {
            try encode(value, forKey: key)
        } else {
            try encodeNil(forKey: key)
        }
    }
}
