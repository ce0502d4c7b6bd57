public import CordonCrypto
import Foundation

/// A signed-note verifier key (golang.org/x/mod/sumdb/note): `<name>+<hex key hash>+<base64(0x01 ‖ public key)>`.
///
/// The key hash is the first 4 bytes of `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)`; it
/// prefixes every signature so a verifier picks the right key. This is the line
/// `cordon audit pubkey` prints and `audit/verify.py --pubkey` reads.
public struct NoteVerifierKey: Sendable, Hashable, CustomStringConvertible {
    /// The Ed25519 algorithm byte of the signed-note format.
    static let ed25519Algorithm: UInt8 = 0x01

    /// The key name (by convention the log's origin).
    public let name: String
    /// The Ed25519 public key.
    public let publicKey: Ed25519.PublicKey
    /// The 4-byte key hash.
    public let keyHash: [UInt8]

    /// The verifier key of `publicKey` under `name`.
    public init(name: String, publicKey: Ed25519.PublicKey) throws(AuditError) {
        try Self.validate(name: name)
        self.name = name
        self.publicKey = publicKey
        self.keyHash = Self.keyHash(name: name, publicKey: publicKey)
    }

    /// Parses `<name>+<hex key hash>+<base64 key>`, checking that the hash matches.
    public init(parsing text: String) throws(AuditError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // Split at the first two "+" only: the base64 key may itself contain "+" (as in
        // golang.org/x/mod/sumdb/note, which chops at the first "+" twice).
        let parts = trimmed.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let hash = Hex.decode(parts[1]), hash.count == 4,
            let keyData = Data(base64Encoded: String(parts[2])), keyData.count == 33,
            keyData.first == Self.ed25519Algorithm
        else { throw AuditError(.malformed, "not a verifier key of the form <name>+<hex8>+<base64(0x01 ‖ key)>") }
        let publicKey: Ed25519.PublicKey
        do {
            publicKey = try Ed25519.PublicKey(rawRepresentation: Array(keyData.dropFirst()))
        } catch {
            throw AuditError(.malformed, "the verifier key does not hold a 32-byte Ed25519 key")
        }
        try self.init(name: String(parts[0]), publicKey: publicKey)
        guard keyHash == hash else {
            throw AuditError(.malformed, "the verifier key's hash does not match its name and key")
        }
    }

    /// The verifier key line.
    public var description: String {
        "\(name)+\(Hex.encode(keyHash))+\(Data([Self.ed25519Algorithm] + publicKey.rawRepresentation).base64EncodedString())"
    }

    /// `SHA-256(name ‖ "\n" ‖ 0x01 ‖ key)[0..<4]`.
    public static func keyHash(name: String, publicKey: Ed25519.PublicKey) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(Array(name.utf8))
        hasher.update(byte: 0x0A)
        hasher.update(byte: ed25519Algorithm)
        hasher.update(publicKey.rawRepresentation)
        return Array(hasher.finalize().prefix(4))
    }

    /// A key name is non-empty and has no spaces, control characters or `+`.
    static func validate(name: String) throws(AuditError) {
        guard !name.isEmpty,
            !name.unicodeScalars.contains(where: {
                $0 == "+" || $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F
            })
        else { throw AuditError(.invalidArgument, "a key name must be non-empty, without spaces or '+'") }
    }
}
