import CordonCrypto
import Testing

@Suite("SHA256")
struct SHA256Tests {
    struct KnownAnswer: Decodable {
        let name: String
        let message, digest: HexBytes
    }

    struct KnownAnswerFile: Decodable {
        let tests: [KnownAnswer]
    }

    @Test func digestsMatchFIPS180Vectors() throws {
        let file = try KnownAnswers.load("sha256", as: KnownAnswerFile.self)
        #expect(file.tests.count >= 3)
        for vector in file.tests {
            #expect(SHA256.hash(vector.message.bytes) == vector.digest.bytes, "\(vector.name)")
        }
    }

    @Test func incrementalHashEqualsOneShot() {
        let message = SecureRandom.bytes(count: 1000)
        var hasher = SHA256()
        hasher.update(byte: message[0])
        hasher.update(Array(message[1..<500]))
        message[500...].withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finalize() == SHA256.hash(message))
    }
}
