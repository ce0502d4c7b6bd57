import Foundation

/// Keyed lookup hashes of identifiers and emails, so a region can find a subject by
/// `externalId` or email without storing either in clear (DESIGN.md, Keys).
///
/// Values are normalized first, then hashed with keyed BLAKE2b-256 behind a tag naming
/// their kind, so an email and an identifier with the same text never share an index.
///
/// ```swift
/// let index = BlindIndex(key: regionBlindIndexKey)
/// let lookup = try index.index(email: " Ada@Example.com ")  // same as "ada@example.com"
/// ```
///
/// - Warning: An index is deterministic: anyone holding the key can confirm a guessed
///   email. Keep the key per region and wrapped, like any other key.
public struct BlindIndex: Sendable {
    /// Size of an index in bytes.
    public static let byteCount = 32
    /// Longest accepted email after normalization (RFC 5321 limits: 64 + 1 + 255).
    public static let maximumEmailByteCount = 320
    /// Longest accepted identifier after normalization.
    public static let maximumIdentifierByteCount = 256

    private let key: BlindIndexKey

    /// A blind index under `key`.
    public init(key: BlindIndexKey) {
        self.key = key
    }

    /// The index of an email address, after `normalizedEmail(_:)`.
    ///
    /// - Throws: `.invalidInput` when the address is empty, has no "@" with text on
    ///   both sides, or is longer than 320 bytes.
    public func index(email: String) throws -> [UInt8] {
        hash(kind: "email", value: try Self.normalizedEmail(email))
    }

    /// The index of an external identifier, after `normalizedIdentifier(_:)`.
    ///
    /// - Throws: `.invalidInput` when the identifier is empty or longer than 256 bytes.
    public func index(identifier: String) throws -> [UInt8] {
        hash(kind: "id", value: try Self.normalizedIdentifier(identifier))
    }

    /// The index of an identifier already normalized by `normalizedIdentifier(_:)`, for
    /// callers that index one identifier under several regions' keys (normalizing once).
    ///
    /// - Warning: passing text that was not normalized gives an index no lookup matches.
    public func index(normalizedIdentifier: String) -> [UInt8] {
        hash(kind: "id", value: normalizedIdentifier)
    }

    /// An email as it is indexed: Unicode NFKC, surrounding whitespace trimmed, and the
    /// whole address lowercased.
    ///
    /// RFC 5321 lets the local part be case-sensitive, but no mainstream mailbox provider
    /// treats it so and shops let people type their address in any case; folding the
    /// local part too means "Ada@" and "ada@" find the same subject. NFKC maps fullwidth
    /// and other compatibility forms to their plain letters.
    public static func normalizedEmail(_ email: String) throws -> String {
        // NFKC first so that compatibility spaces (U+3000) are trimmed too; NFKC again
        // after lowercasing because case mapping can leave a string that is not in NFKC.
        let folded =
            trimmedIfASCII(email)?.lowercased()
            ?? compatibilityNormalized(email).lowercased().precomposedStringWithCompatibilityMapping
        let utf8 = folded.utf8
        guard let at = utf8.lastIndex(of: UInt8(ascii: "@")),
            at != utf8.startIndex, utf8.index(after: at) != utf8.endIndex
        else {
            throw CryptoError(.invalidInput, "an email address needs text on both sides of an \"@\"")
        }
        guard utf8.count <= maximumEmailByteCount else {
            throw CryptoError(.invalidInput, "an email address is at most \(maximumEmailByteCount) bytes")
        }
        return folded
    }

    /// An identifier as it is indexed: Unicode NFKC and surrounding whitespace trimmed;
    /// case is kept because identifiers from other systems may be case-sensitive.
    public static func normalizedIdentifier(_ identifier: String) throws -> String {
        let normalized = compatibilityNormalized(identifier)
        guard !normalized.isEmpty else {
            throw CryptoError(.invalidInput, "an identifier cannot be empty")
        }
        guard normalized.utf8.count <= maximumIdentifierByteCount else {
            throw CryptoError(.invalidInput, "an identifier is at most \(maximumIdentifierByteCount) bytes")
        }
        return normalized
    }

    static func compatibilityNormalized(_ text: String) -> String {
        // ASCII text is already in NFKC (no code point below U+0080 has a canonical or
        // compatibility decomposition), so only the trimming applies; it skips Foundation's
        // normalization, most of the CPU time of a subject line (decision 0021).
        if let trimmed = trimmedIfASCII(text) { return trimmed }
        return text.precomposedStringWithCompatibilityMapping.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `text` without surrounding whitespace when every byte is ASCII, else `nil`. The ASCII
    /// members of `whitespacesAndNewlines` are U+0009–U+000D and U+0020.
    static func trimmedIfASCII(_ text: String) -> String? {
        let bytes = text.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = bytes.lastIndex(where: { !isSpace($0) })!
        if first == bytes.startIndex && last == bytes.index(before: bytes.endIndex) { return text }
        return String(text[first...last])
    }

    /// Keyed BLAKE2b-256 of `kind ‖ 0 ‖ value`: the NUL ends the tag, and no kind is a
    /// prefix of another, so the kinds are domain-separated.
    private func hash(kind: String, value: String) -> [UInt8] {
        var message = Array(kind.utf8)
        message.append(0)
        message.append(contentsOf: value.utf8)
        return KeyedHash.hash(message, key: key, byteCount: Self.byteCount)
    }
}
