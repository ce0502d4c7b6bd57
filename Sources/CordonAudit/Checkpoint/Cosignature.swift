public import CordonCrypto
import Foundation

/// A witness's countersignature of a checkpoint, per C2SP tlog-cosignature (Ed25519,
/// `cosignature/v1`): a note signature line
///
/// ```
/// — <cosigner name> base64(4-byte key ID ‖ 8-byte big-endian time ‖ 64-byte Ed25519 signature)
/// ```
///
/// over the message `cosignature/v1\ntime <unix seconds>\n` followed by the checkpoint's
/// body. The key ID is the first 4 bytes of `SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)`, so a
/// cosignature never passes for a checkpoint signature (key ID byte 0x01) of the same key.
///
/// ```swift
/// let cosignature = try Cosignature.sign(checkpoint, signingKey: key, keyName: "cordon.audit/1a2b", time: 1_767_000_000)
/// let cosigned = checkpoint.text + cosignature.line
/// ```
public struct Cosignature: Sendable, Hashable, CustomStringConvertible {
    /// The key ID algorithm byte of an Ed25519 cosignature (C2SP tlog-cosignature).
    public static let ed25519Algorithm: UInt8 = 0x04
    /// The bytes after the key ID: an 8-byte timestamp and a 64-byte signature.
    static let signatureByteCount = 8 + Ed25519.signatureByteCount
    /// The largest timestamp the format allows (2^63 - 1).
    static let maximumTime = UInt64(Int64.max)

    /// The cosigner's key name.
    public let keyName: String
    /// The 4-byte key ID.
    public let keyID: [UInt8]
    /// When the cosigner signed, in Unix seconds.
    public let time: UInt64
    /// The 64-byte Ed25519 signature.
    public let signature: [UInt8]

    /// The signature line, ending in `\n`, to append to the checkpoint note.
    public var line: String {
        "\u{2014} \(keyName) \(Data(keyID + Self.bigEndian(time) + signature).base64EncodedString())\n"
    }

    public var description: String { line }

    /// Cosigns `checkpoint` at `time` with `signingKey` under `keyName`.
    ///
    /// - Throws: ``AuditError/Code/invalidArgument`` for a key name with spaces or `+`, or
    ///   a time past 2^63 - 1.
    public static func sign(
        _ checkpoint: Checkpoint,
        signingKey: Ed25519.SigningKey,
        keyName: String,
        time: UInt64
    ) throws(AuditError) -> Cosignature {
        try NoteVerifierKey.validate(name: keyName)
        guard time <= maximumTime else {
            throw AuditError(.invalidArgument, "a cosignature's time is at most 2^63 - 1 seconds")
        }
        return Cosignature(
            keyName: keyName,
            keyID: keyID(name: keyName, publicKey: signingKey.publicKey),
            time: time,
            signature: signingKey.signature(for: message(body: checkpoint.body, time: time))
        )
    }

    /// The cosignature carried by one signature line of a note, if the line has the size of one.
    ///
    /// - Throws: ``AuditError/Code/malformed`` when the line's bytes are not a key ID, an
    ///   8-byte time and a 64-byte signature, or the time exceeds 2^63 - 1.
    public init(_ line: Checkpoint.Signature) throws(AuditError) {
        guard line.signature.count == Self.signatureByteCount else {
            throw AuditError(
                .malformed,
                "the signature line by \(line.keyName) holds \(line.signature.count + 4) bytes; a cosignature holds 76 (key ID, time, signature)"
            )
        }
        let time = line.signature.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard time <= Self.maximumTime else {
            throw AuditError(.malformed, "the cosignature by \(line.keyName) has a time past 2^63 - 1")
        }
        self.init(keyName: line.keyName, keyID: line.keyHash, time: time, signature: Array(line.signature.dropFirst(8)))
    }

    /// Parses one signature line (`— <name> <base64>`, with or without its `\n`).
    public init(parsingLine text: String) throws(AuditError) {
        let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
        let fields = trimmed.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0] == "\u{2014}", let blob = Data(base64Encoded: String(fields[2])),
            blob.count > 4
        else { throw AuditError(.malformed, "a cosignature line reads \"\u{2014} <name> <base64>\"") }
        try self.init(
            Checkpoint.Signature(
                keyName: String(fields[1]),
                keyHash: Array(blob.prefix(4)),
                signature: Array(blob.dropFirst(4))
            )
        )
    }

    init(keyName: String, keyID: [UInt8], time: UInt64, signature: [UInt8]) {
        self.keyName = keyName
        self.keyID = keyID
        self.time = time
        self.signature = signature
    }

    /// Verifies this cosignature of `checkpoint` by `publicKey`.
    ///
    /// - Throws: ``AuditError/Code/signatureInvalid`` when the key ID is not that of
    ///   `publicKey` under this line's name, or the signature does not cover this
    ///   checkpoint's body at this time.
    public func verify(_ checkpoint: Checkpoint, publicKey: Ed25519.PublicKey) throws(AuditError) {
        guard keyID == Self.keyID(name: keyName, publicKey: publicKey) else {
            throw AuditError(
                .signatureInvalid,
                "the cosignature by \(keyName) names a key ID that is not this cosigner key's (key ID byte 0x04)"
            )
        }
        guard publicKey.isValidSignature(signature, for: Self.message(body: checkpoint.body, time: time)) else {
            throw AuditError(
                .signatureInvalid,
                "the cosignature by \(keyName) at time \(time) does not verify over the checkpoint at size \(checkpoint.treeSize)"
            )
        }
    }

    /// `SHA-256(name ‖ "\n" ‖ 0x04 ‖ key)[0..<4]`.
    public static func keyID(name: String, publicKey: Ed25519.PublicKey) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(Array(name.utf8))
        hasher.update(byte: 0x0A)
        hasher.update(byte: ed25519Algorithm)
        hasher.update(publicKey.rawRepresentation)
        return Array(hasher.finalize().prefix(4))
    }

    /// The signed message: `cosignature/v1\ntime <time>\n` and the checkpoint body.
    static func message(body: String, time: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(time)\n\(body)".utf8)
    }

    private static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }
}

extension Checkpoint {
    /// The cosignatures among this note's signature lines by `publicKey` under `keyName`:
    /// lines of another name or key ID are ignored, as C2SP asks of clients.
    public func cosignatures(by keyName: String, publicKey: Ed25519.PublicKey) -> [Cosignature] {
        let keyID = Cosignature.keyID(name: keyName, publicKey: publicKey)
        return signatures.filter { $0.keyName == keyName && $0.keyHash == keyID }.compactMap { try? Cosignature($0) }
    }
}
