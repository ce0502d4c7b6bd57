public import CordonCrypto
import Foundation

/// A signed statement that a subject's data was erased: what, when, under which policy.
///
/// `signature` is Ed25519 (the audit signing key, `cordon audit pubkey`) over the UTF-8
/// bytes of `receipt` serialized with sorted keys and no whitespace — every value is ASCII,
/// so `json.dumps(receipt, sort_keys=True, separators=(",", ":"))` reproduces them.
public struct ErasureReceipt: Sendable, Codable, Equatable {
    public struct Body: Sendable, Codable, Equatable {
        public var type = "cordon.erasure-receipt.v1"
        public var subjectId: SubjectID
        /// The subject's pseudonym in the audit trail, to find the erasure entry.
        public var subjectPseudonym: String
        public var region: String
        public var policy: String
        public var policyVersion: String
        public var erasedAt: String
        /// Rows deleted per table, and what happened to the key.
        public var erased: [String: Int]
        public var dataEncryptionKey = "destroyed"
        /// The audit entry that records the erasure.
        public var auditSequence: UInt64
        public var requestId: String
    }

    public var receipt: Body
    public var algorithm = "Ed25519"
    /// Hex of the signing public key.
    public var publicKey: String
    /// Base64 of the signature.
    public var signature: String

    static func canonicalBytes(_ body: Body) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(body))
    }

    static func sign(_ body: Body, with key: Ed25519.SigningKey) throws -> ErasureReceipt {
        ErasureReceipt(
            receipt: body,
            publicKey: Hex.encode(key.publicKey.rawRepresentation),
            signature: Data(key.signature(for: try canonicalBytes(body))).base64EncodedString()
        )
    }

    /// Whether the signature verifies under `publicKey` (pass the key you trust, not the
    /// one embedded in the receipt).
    public func verify(publicKey: Ed25519.PublicKey) -> Bool {
        guard let signature = Data(base64Encoded: signature), let bytes = try? Self.canonicalBytes(receipt) else {
            return false
        }
        return publicKey.isValidSignature([UInt8](signature), for: bytes)
    }
}
