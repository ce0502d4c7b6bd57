import Testing

@testable import CordonCrypto

@Suite("KeyedHash")
struct KeyedHashTests {
    struct KnownAnswer: Decodable, Sendable {
        let name: String
        let key, message, digest: HexBytes
    }

    struct KnownAnswerFile: Decodable {
        let tests: [KnownAnswer]
        let keyed32: [KnownAnswer]
    }

    @Test func blake2bMatchesRFC7693AndReferenceKAT() throws {
        let file = try KnownAnswers.load("blake2b", as: KnownAnswerFile.self)
        #expect(file.tests.count >= 3)
        for vector in file.tests {
            // The internal primitive, because the reference KAT uses 64-byte keys and the
            // RFC vector no key, which SecretKey (32 bytes) cannot hold.
            let digest = vector.message.bytes.withUnsafeBytes { message in
                vector.key.bytes.withUnsafeBytes { key in
                    KeyedHash.blake2b(message, key: key, byteCount: vector.digest.bytes.count)
                }
            }
            #expect(digest == vector.digest.bytes, "\(vector.name)")
        }
    }

    @Test func hashWithA32ByteKeyMatchesReference() throws {
        let file = try KnownAnswers.load("blake2b", as: KnownAnswerFile.self)
        #expect(!file.keyed32.isEmpty)
        for vector in file.keyed32 {
            let key = try SecretKey<TestKeyRole>(copying: vector.key.bytes)
            #expect(
                KeyedHash.hash(vector.message.bytes, key: key, byteCount: vector.digest.bytes.count)
                    == vector.digest.bytes
            )
        }
    }

    @Test(arguments: [16, 32, 64])
    func digestHasTheRequestedSize(byteCount: Int) {
        #expect(KeyedHash.hash([1, 2, 3], key: AuditPseudonymKey(), byteCount: byteCount).count == byteCount)
    }

    @Test func differentKeysGiveDifferentDigests() {
        let message = Array("subject-42".utf8)
        #expect(KeyedHash.hash(message, key: AuditPseudonymKey()) != KeyedHash.hash(message, key: AuditPseudonymKey()))
    }

    @Test func sameKeyAndMessageGiveTheSameDigest() {
        let key = SecretKey<TokenHashKeyRole>()
        #expect(KeyedHash.hash(Array("token".utf8), key: key) == KeyedHash.hash(Array("token".utf8), key: key))
        #expect(KeyedHash.hash(Array("token".utf8), key: key) != KeyedHash.hash(Array("token2".utf8), key: key))
    }
}
