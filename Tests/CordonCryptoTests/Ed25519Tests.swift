import CordonCrypto
import Testing

@Suite("Ed25519")
struct Ed25519Tests {
    struct KnownAnswer: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let secretKey, publicKey, message, signature: HexBytes
        var testDescription: String { name }
    }

    struct KnownAnswerFile: Decodable {
        let tests: [KnownAnswer]
    }

    static let rfc8032: [KnownAnswer] = (try? KnownAnswers.load("ed25519", as: KnownAnswerFile.self).tests) ?? []

    @Test func rfc8032VectorsAreLoaded() {
        #expect(Self.rfc8032.count == 3, "Vectors/ed25519.json must hold RFC 8032 §7.1 tests 1–3")
    }

    @Test(arguments: rfc8032)
    func signingMatchesRFC8032(vector: KnownAnswer) throws {
        let key = try Ed25519.SigningKey(seed: SecretKey(copying: vector.secretKey.bytes))
        #expect(key.publicKey.rawRepresentation == vector.publicKey.bytes)
        #expect(key.signature(for: vector.message.bytes) == vector.signature.bytes)
        let publicKey = try Ed25519.PublicKey(rawRepresentation: vector.publicKey.bytes)
        #expect(publicKey.isValidSignature(vector.signature.bytes, for: vector.message.bytes))
        #expect(!publicKey.isValidSignature(vector.signature.bytes, for: vector.message.bytes + [0]))
    }

    @Test func signatureOfAnotherKeyIsRejected() {
        let signer = Ed25519.SigningKey()
        let other = Ed25519.SigningKey()
        let message = Array("checkpoint 7".utf8)
        #expect(signer.publicKey.isValidSignature(signer.signature(for: message), for: message))
        #expect(!other.publicKey.isValidSignature(signer.signature(for: message), for: message))
    }

    @Test(arguments: [0, 31, 33, 64])
    func publicKeyOfWrongSizeIsRefused(byteCount: Int) {
        let error = #expect(throws: CryptoError.self) {
            try Ed25519.PublicKey(rawRepresentation: [UInt8](repeating: 1, count: byteCount))
        }
        #expect(error?.code == .invalidSize)
    }

    @Test func signingKeyDescriptionShowsOnlyThePublicKey() throws {
        let seed = SecretKey<SigningSeedRole>()
        let key = try Ed25519.SigningKey(seed: seed)
        #expect(key.description.hasPrefix("<redacted"))
        let seedHex = seed.withUnsafeBytes { Hex.encode($0) }
        #expect(!key.description.contains(seedHex))
    }

    struct WycheproofGroup: Decodable {
        struct Key: Decodable { let pk: HexBytes }
        let publicKey: Key
        let tests: [WycheproofVector]
    }

    struct WycheproofVector: Decodable {
        let tcId: Int
        let comment: String
        let flags: [String]
        let msg, sig: HexBytes
        let result: Wycheproof.Result
    }

    @Test func wycheproofSignaturesAreAcceptedOrRefusedAsSpecified() throws {
        let file = try Wycheproof.load("ed25519_test", groups: WycheproofGroup.self)
        var validCount = 0
        var invalidCount = 0
        var acceptableCount = 0
        for group in file.testGroups {
            let publicKey = try? Ed25519.PublicKey(rawRepresentation: group.publicKey.pk.bytes)
            for vector in group.tests {
                let label = "tcId \(vector.tcId) \(vector.comment) \(vector.flags)"
                let verified = publicKey?.isValidSignature(vector.sig.bytes, for: vector.msg.bytes) ?? false
                switch vector.result {
                case .valid:
                    validCount += 1
                    #expect(verified, "must verify: \(label)")
                case .invalid:
                    invalidCount += 1
                    #expect(!verified, "must be refused: \(label)")
                case .acceptable:
                    acceptableCount += 1
                    break
                }
            }
        }
        #expect(validCount > 0)
        #expect(invalidCount > 0)
        #expect(validCount + invalidCount + acceptableCount == file.numberOfTests, "every vector in the file was run")
    }
}
