public import Foundation

/// A record that a subject was erased from a region, kept in `control.db`.
///
/// Region stores keep their own tombstones, but a region file restored from a backup
/// older than an erasure has lost them; these let the restore purge that subject again,
/// so an erased person never comes back.
public struct Tombstone: Hashable, Sendable, Codable {
    /// The region the subject was erased from.
    public var region: RegionID
    /// Cordon's random id of the erased subject (not personal data in itself).
    public var subjectID: String
    /// When the erasure happened (whole seconds).
    public var erasedAt: Date

    /// Creates a tombstone.
    public init(region: RegionID, subjectID: String, erasedAt: Date) {
        self.region = region
        self.subjectID = subjectID
        self.erasedAt = erasedAt
    }

    private enum CodingKeys: String, CodingKey {
        case region, subjectID, erasedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        region = RegionID(rawValue: try container.decode(String.self, forKey: .region))
        subjectID = try container.decode(String.self, forKey: .subjectID)
        erasedAt = try container.decodeTimestamp(forKey: .erasedAt)
    }

    /// Encodes the time as an RFC 3339 string, like every time Cordon writes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(region.rawValue, forKey: .region)
        try container.encode(subjectID, forKey: .subjectID)
        try container.encode(Timestamp.format(erasedAt), forKey: .erasedAt)
    }
}
