import CordonCrypto

/// Bytes written as a hex string in a JSON vector file.
struct HexBytes: Decodable, Sendable, CustomStringConvertible {
    let bytes: [UInt8]

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let bytes = Hex.decode(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not hex: \(text)")
            )
        }
        self.bytes = bytes
    }

    var description: String { Hex.encode(bytes) }
}

extension Array where Element == UInt8 {
    /// Bytes from a hex literal in a test; traps on a typo, which is a bug in the test.
    init(hex: String) {
        guard let bytes = Hex.decode(hex) else { preconditionFailure("invalid hex literal in a test: \(hex)") }
        self = bytes
    }
}

/// A role used only by tests, so test keys never pass for production ones.
enum TestKeyRole: KeyRole { static let name = "test key" }
/// A second test role, to check that roles are bound.
enum OtherTestKeyRole: KeyRole { static let name = "other test key" }

extension SecretKey {
    /// A key from a 32-byte hex literal.
    init(hex: String) throws {
        try self.init(copying: [UInt8](hex: hex))
    }
}
