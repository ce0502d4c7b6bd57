import Foundation

extension KeyedDecodingContainer {
    /// Decodes an RFC 3339 string written by `Timestamp.format`.
    func decodeTimestamp(forKey key: Key) throws -> Date {
        let text = try decode(String.self, forKey: key)
        guard let date = Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not an RFC 3339 time")
        }
        return date
    }

    /// Decodes an optional RFC 3339 string; a missing key or `null` is `nil`.
    func decodeTimestampIfPresent(forKey key: Key) throws -> Date? {
        guard try contains(key) && !decodeNil(forKey: key) else { return nil }
        return try decodeTimestamp(forKey: key)
    }
}
