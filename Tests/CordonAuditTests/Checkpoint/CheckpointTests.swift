import CordonAudit
import CordonCrypto
import Foundation
import Testing

@Suite("Checkpoint")
struct CheckpointTests {
    static let root = MerkleHasher.leafHash([1, 2, 3])

    @Test func signedCheckpointHasTheC2SPShapeAndVerifies() throws {
        let checkpoint = try Checkpoint.signed(
            origin: TestSupport.origin,
            treeSize: 1000,
            rootHash: Self.root,
            signingKey: TestSupport.signingKey,
            keyName: TestSupport.origin
        )
        let lines = checkpoint.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 6)
        #expect(lines[0] == "cordon.test/audit")
        #expect(lines[1] == "1000")
        #expect(lines[2] == Substring(Data(Self.root).base64EncodedString()))
        #expect(lines[3] == "")
        #expect(lines[4].hasPrefix("\u{2014} cordon.test/audit "))
        #expect(lines[5] == "")
        let blob = try #require(Data(base64Encoded: String(lines[4].split(separator: " ")[2])))
        #expect(blob.count == 68)
        let parsed = try Checkpoint.parse(checkpoint.text)
        #expect(parsed == checkpoint)
        try parsed.verify(publicKey: TestSupport.signingKey.publicKey, keyName: TestSupport.origin)
    }

    @Test func verifierKeysWhoseBase64HoldsAPlusParse() throws {
        // Regression: the base64 of the key may contain "+", the field separator.
        var found = 0
        for _ in 0..<200 where found < 5 {
            let key = try NoteVerifierKey(name: "cordon.audit/test", publicKey: Ed25519.SigningKey().publicKey)
            let encoded = key.description.split(separator: "+", maxSplits: 2)[2]
            guard encoded.contains("+") else { continue }
            found += 1
            #expect(try NoteVerifierKey(parsing: key.description) == key)
        }
        #expect(found == 5)
    }

    @Test func keyHashFollowsTheSignedNoteRule() throws {
        let key = try NoteVerifierKey(name: TestSupport.origin, publicKey: TestSupport.signingKey.publicKey)
        var message = Array(TestSupport.origin.utf8)
        message += [0x0A, 0x01] + TestSupport.signingKey.publicKey.rawRepresentation
        #expect(key.keyHash == Array(SHA256.hash(message).prefix(4)))
        let text = key.description
        #expect(text.hasPrefix("cordon.test/audit+\(Hex.encode(key.keyHash))+"))
        #expect(try NoteVerifierKey(parsing: text + "\n") == key)
        TestSupport.expectError(.malformed) {
            _ = try NoteVerifierKey(parsing: text.replacingOccurrences(of: "cordon.test", with: "other.test"))
        }
    }

    @Test func verificationFailsForAnotherKeyOrAReplacedSignature() throws {
        let checkpoint = try Checkpoint.signed(
            origin: TestSupport.origin,
            treeSize: 5,
            rootHash: Self.root,
            signingKey: TestSupport.signingKey,
            keyName: TestSupport.origin
        )
        let other = Ed25519.SigningKey()
        TestSupport.expectError(.signatureInvalid) {
            try checkpoint.verify(publicKey: other.publicKey, keyName: TestSupport.origin)
        }
        let forged = try Checkpoint.signed(
            origin: TestSupport.origin,
            treeSize: 6,
            rootHash: Self.root,
            signingKey: TestSupport.signingKey,
            keyName: TestSupport.origin
        )
        let spliced = checkpoint.body + "\n" + forged.text.components(separatedBy: "\n\n")[1]
        TestSupport.expectError(.signatureInvalid) {
            try Checkpoint.parse(spliced).verify(
                publicKey: TestSupport.signingKey.publicKey,
                keyName: TestSupport.origin
            )
        }
    }

    @Test(arguments: [
        "origin\n1\nAAAA\n\n\u{2014} k AAAAAAAA\n",  // short root
        "origin\n01\n\(Data(CheckpointTests.root).base64EncodedString())\n\n\u{2014} k AAAAAAAA\n",  // leading zero
        "origin\n1\n\(Data(CheckpointTests.root).base64EncodedString())\n\u{2014} k AAAAAAAA\n",  // no blank line
        "origin\n1\n\(Data(CheckpointTests.root).base64EncodedString())\n\n- k AAAAAAAA\n",  // not an em dash
        "origin\n1\n\(Data(CheckpointTests.root).base64EncodedString())\n\n\u{2014} k AAAAAAAA",  // no final newline
    ])
    func malformedNotesAreRejected(_ text: String) {
        TestSupport.expectError(.malformed) { _ = try Checkpoint.parse(text) }
    }
}
