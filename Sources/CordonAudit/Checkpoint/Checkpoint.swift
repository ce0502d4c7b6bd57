public import CordonCrypto
import Foundation

/// A signed tree head in the C2SP tlog-checkpoint format, as a signed note:
///
/// ```
/// cordon.example/audit
/// 1000
/// <base64 root hash>
///
/// — cordon.example/audit <base64(4-byte key hash ‖ 64-byte Ed25519 signature)>
/// ```
///
/// The signature covers the body: every byte up to and including the root line's `\n`.
public struct Checkpoint: Sendable, Hashable, CustomStringConvertible {
    /// One signature line of the note.
    public struct Signature: Sendable, Hashable {
        /// The signer's key name.
        public let keyName: String
        /// The 4-byte key hash.
        public let keyHash: [UInt8]
        /// The signature bytes (64 for Ed25519).
        public let signature: [UInt8]
    }

    /// The log's identity (a schema-less URL such as `cordon.example/audit`).
    public let origin: String
    /// The number of entries the root covers.
    public let treeSize: UInt64
    /// The RFC 9162 root hash at `treeSize`.
    public let rootHash: [UInt8]
    /// Optional extension lines after the root (Cordon writes none).
    public let extensionLines: [String]
    /// The signature lines.
    public let signatures: [Signature]
    /// The whole note, exactly as parsed or written.
    public let text: String

    /// The signed part: origin, size, root and extension lines, each ending in `\n`.
    public var body: String {
        ([origin, String(treeSize), Data(rootHash).base64EncodedString()] + extensionLines).map { $0 + "\n" }.joined()
    }

    public var description: String { text }

    /// Signs a checkpoint of `rootHash` at `treeSize` with `signingKey` under `keyName`.
    public static func signed(
        origin: String,
        treeSize: UInt64,
        rootHash: [UInt8],
        signingKey: Ed25519.SigningKey,
        keyName: String
    ) throws(AuditError) -> Checkpoint {
        try validate(origin: origin)
        let verifierKey = try NoteVerifierKey(name: keyName, publicKey: signingKey.publicKey)
        guard rootHash.count == MerkleHasher.hashByteCount else {
            throw AuditError(.invalidArgument, "a root hash is 32 bytes")
        }
        let body = "\(origin)\n\(treeSize)\n\(Data(rootHash).base64EncodedString())\n"
        let signature = signingKey.signature(for: Array(body.utf8))
        let line = "— \(keyName) \(Data(verifierKey.keyHash + signature).base64EncodedString())\n"
        return try parse(body + "\n" + line)
    }

    /// Parses a checkpoint note; does not verify signatures (see ``verify(publicKey:keyName:)``).
    public static func parse(_ text: String) throws(AuditError) -> Checkpoint {
        guard let separator = text.range(of: "\n\n", options: .backwards) else {
            throw AuditError(.malformed, "a checkpoint note needs a blank line before its signatures")
        }
        let bodyText = text[..<separator.lowerBound]
        let signatureText = text[text.index(after: separator.lowerBound)...].dropFirst()
        guard !bodyText.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) else {
            throw AuditError(.malformed, "a checkpoint body has no control characters")
        }
        let lines = bodyText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3, !lines.contains(where: \.isEmpty) else {
            throw AuditError(.malformed, "a checkpoint body has an origin, a tree size and a root hash line")
        }
        guard let size = UInt64(lines[1]), String(size) == lines[1] else {
            throw AuditError(.malformed, "checkpoint tree size \"\(lines[1])\" is not a decimal without leading zeros")
        }
        guard let root = Data(base64Encoded: lines[2]), root.count == MerkleHasher.hashByteCount,
            root.base64EncodedString() == lines[2]
        else { throw AuditError(.malformed, "checkpoint root hash is not 32 bytes of standard base64") }
        guard signatureText.hasSuffix("\n") else {
            throw AuditError(.malformed, "checkpoint signatures end with a newline")
        }
        var signatures: [Signature] = []
        for line in signatureText.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0] == "—", let blob = Data(base64Encoded: String(fields[2])), blob.count > 4
            else {
                throw AuditError(.malformed, "checkpoint signature lines read \"— <name> <base64>\"")
            }
            signatures.append(
                Signature(
                    keyName: String(fields[1]),
                    keyHash: Array(blob.prefix(4)),
                    signature: Array(blob.dropFirst(4))
                )
            )
        }
        guard !signatures.isEmpty else { throw AuditError(.malformed, "a checkpoint has at least one signature") }
        return Checkpoint(
            origin: lines[0],
            treeSize: size,
            rootHash: Array(root),
            extensionLines: Array(lines.dropFirst(3)),
            signatures: signatures,
            text: text
        )
    }

    /// Verifies the signature by `publicKey` under `keyName`; other signers are ignored.
    ///
    /// Throws ``AuditError/Code/signatureInvalid`` when no signature line carries this key's
    /// name and hash, or when such a line does not verify.
    public func verify(publicKey: Ed25519.PublicKey, keyName: String) throws(AuditError) {
        let keyHash = NoteVerifierKey.keyHash(name: keyName, publicKey: publicKey)
        let candidates = signatures.filter { $0.keyName == keyName && $0.keyHash == keyHash }
        guard !candidates.isEmpty else {
            throw AuditError(.signatureInvalid, "checkpoint at size \(treeSize) has no signature by key \(keyName)")
        }
        let message = Array(body.utf8)
        guard candidates.contains(where: { publicKey.isValidSignature($0.signature, for: message) }) else {
            throw AuditError(.signatureInvalid, "checkpoint at size \(treeSize) has an invalid signature by \(keyName)")
        }
    }

    /// An origin is a non-empty line without control characters.
    static func validate(origin: String) throws(AuditError) {
        guard !origin.isEmpty, !origin.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw AuditError(.invalidArgument, "an origin is a non-empty line without control characters")
        }
    }
}
