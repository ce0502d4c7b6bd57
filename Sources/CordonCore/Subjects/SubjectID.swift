import CordonCrypto

/// Cordon's identifier for a subject: 128 random bits as 32 lowercase hex digits.
///
/// It carries no information about the person; the shop's `externalId` and the email are
/// only ever stored as keyed blind indexes.
public struct SubjectID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts exactly 32 lowercase hex digits (what `random()` makes).
    public init?(rawValue: String) {
        guard rawValue.utf8.count == 32, rawValue.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else {
            return nil
        }
        self.rawValue = rawValue
    }

    /// A fresh random id.
    public static func random() -> SubjectID {
        SubjectID(rawValue: Hex.encode(SecureRandom.randomID(byteCount: 16)))!
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = SubjectID(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a subject id")
            )
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
