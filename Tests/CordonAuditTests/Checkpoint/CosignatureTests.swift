import CordonAudit
import CordonCrypto
import Foundation
import Testing

@Suite("Cosignature")
struct CosignatureTests {
    static let witnessName = "witness.test/w1"
    static let time: UInt64 = 1_767_225_600

    /// Computed independently with pyca/cryptography 48 (Ed25519, seed 32 × 0x07): key ID =
    /// SHA-256("witness.test/w1\n" ‖ 0x04 ‖ key)[:4], time big-endian, signature over
    /// "cosignature/v1\ntime 1767225600\n" + the body of ``checkpoint()``.
    static let knownLine =
        "\u{2014} witness.test/w1 Y2hnOQAAAABpVbkAMu+by4EwimRBW6aoowG8UsCuufoOu68XN4R5l/CuOGCDxOxjomN08MyfaXaJxwiLtZehPgvPSJInZaREFiflDg==\n"

    static func checkpoint(size: UInt64 = 1000, root: [UInt8] = MerkleHasher.leafHash([1, 2, 3])) throws -> Checkpoint {
        try Checkpoint.signed(
            origin: TestSupport.origin,
            treeSize: size,
            rootHash: root,
            signingKey: TestSupport.signingKey,
            keyName: TestSupport.origin
        )
    }

    @Test func signingMatchesAnIndependentImplementationOfTheC2SPFormat() throws {
        let cosignature = try Cosignature.sign(
            try Self.checkpoint(),
            signingKey: TestSupport.signingKey,
            keyName: Self.witnessName,
            time: Self.time
        )
        #expect(cosignature.line == Self.knownLine)
        #expect(try Cosignature(parsingLine: Self.knownLine) == cosignature)
        try cosignature.verify(try Self.checkpoint(), publicKey: TestSupport.signingKey.publicKey)
    }

    @Test func aCosignedNoteParsesAsACheckpointAndYieldsItsCosignature() throws {
        let checkpoint = try Self.checkpoint()
        let cosigned = try Checkpoint.parse(checkpoint.text + Self.knownLine)
        #expect(cosigned.body == checkpoint.body && cosigned.signatures.count == 2)
        try cosigned.verify(publicKey: TestSupport.signingKey.publicKey, keyName: TestSupport.origin)
        let found = cosigned.cosignatures(by: Self.witnessName, publicKey: TestSupport.signingKey.publicKey)
        #expect(found.count == 1 && found.first?.time == Self.time)
        // The log's own line has key ID byte 0x01: never taken for a cosignature of the same key.
        #expect(cosigned.cosignatures(by: TestSupport.origin, publicKey: TestSupport.signingKey.publicKey).isEmpty)
    }

    @Test func aCosignatureByAnotherKeyIsRefused() throws {
        let cosignature = try Cosignature(parsingLine: Self.knownLine)
        let other = Ed25519.SigningKey().publicKey
        #expect(throws: AuditError.self) { try cosignature.verify(try Self.checkpoint(), publicKey: other) }
        // Same name, other key, and a key ID made to match it: the signature itself fails.
        let relabelled = try Cosignature(
            parsingLine: "\u{2014} \(Self.witnessName) "
                + Data(Cosignature.keyID(name: Self.witnessName, publicKey: other) + Self.blob().dropFirst(4))
                .base64EncodedString()
        )
        let error = try #require(throws: AuditError.self) {
            try relabelled.verify(try Self.checkpoint(), publicKey: other)
        }
        #expect(error.code == .signatureInvalid && error.message.contains("does not verify"))
    }

    @Test func aCosignatureOverAnAlteredBodyIsRefused() throws {
        let cosignature = try Cosignature(parsingLine: Self.knownLine)
        let publicKey = TestSupport.signingKey.publicKey
        #expect(throws: AuditError.self) {
            try cosignature.verify(try Self.checkpoint(size: 1001), publicKey: publicKey)
        }
        let otherRoot = try Self.checkpoint(root: MerkleHasher.leafHash([9]))
        #expect(throws: AuditError.self) { try cosignature.verify(otherRoot, publicKey: publicKey) }
    }

    @Test func anAlteredTimeIsRefused() throws {
        var blob = Self.blob()
        blob[11] ^= 1  // the timestamp's last byte
        let altered = try Cosignature(
            parsingLine: "\u{2014} \(Self.witnessName) \(Data(blob).base64EncodedString())"
        )
        #expect(altered.time == Self.time ^ 1)
        #expect(throws: AuditError.self) {
            try altered.verify(try Self.checkpoint(), publicKey: TestSupport.signingKey.publicKey)
        }
    }

    @Test(arguments: [4, 5, 12, 75, 77])
    func aLineOfTheWrongSizeIsMalformed(byteCount: Int) throws {
        let blob = Array(Self.blob().prefix(byteCount)) + [UInt8](repeating: 0, count: max(0, byteCount - 76))
        let error = try #require(throws: AuditError.self) {
            try Cosignature(parsingLine: "\u{2014} \(Self.witnessName) \(Data(blob).base64EncodedString())")
        }
        #expect(error.code == .malformed)
    }

    @Test(arguments: ["", "\u{2014} only-a-name", "- witness.test/w1 AAAA", "\u{2014} a b c"])
    func aLineThatIsNotANoteSignatureIsMalformed(line: String) {
        #expect(throws: AuditError.self) { try Cosignature(parsingLine: line) }
    }

    @Test func aTimePastTheFormatsRangeIsRefused() throws {
        var blob = Self.blob()
        blob[4] = 0x80
        let error = try #require(throws: AuditError.self) {
            try Cosignature(parsingLine: "\u{2014} \(Self.witnessName) \(Data(blob).base64EncodedString())")
        }
        #expect(error.message.contains("2^63"))
        #expect(throws: AuditError.self) {
            try Cosignature.sign(try Self.checkpoint(), signingKey: TestSupport.signingKey, keyName: "w", time: .max)
        }
        #expect(throws: AuditError.self) {
            try Cosignature.sign(try Self.checkpoint(), signingKey: TestSupport.signingKey, keyName: "a b", time: 1)
        }
    }

    /// The known line's bytes: key ID, time, signature.
    static func blob() -> [UInt8] {
        Array(Data(base64Encoded: String(knownLine.dropLast().split(separator: " ")[2]))!)
    }
}
