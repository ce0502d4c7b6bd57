import CordonCrypto
import Testing

@Suite("SecretKey")
struct SecretKeyTests {
    @Test func descriptionIsRedactedAndNeverShowsTheBytes() throws {
        let key = SubjectDEK()
        let hex = key.withUnsafeBytes { Hex.encode($0) }
        for text in [key.description, key.debugDescription, "\(key)", String(reflecting: key)] {
            #expect(text.hasPrefix("<redacted"), "\(text)")
            #expect(text.contains("subject DEK"))
            #expect(!text.contains(hex))
            #expect(!text.contains(String(hex.prefix(8))))
        }
    }

    @Test func equalityComparesTheBytes() throws {
        let bytes = SecureRandom.bytes(count: 32)
        #expect(try MasterKey(copying: bytes) == MasterKey(copying: bytes))
        var other = bytes
        other[31] ^= 1
        #expect(try MasterKey(copying: bytes) != MasterKey(copying: other))
        #expect(MasterKey() != MasterKey())
    }

    @Test(arguments: [0, 16, 31, 33, 64])
    func keyOfWrongSizeIsRefused(byteCount: Int) {
        let error = #expect(throws: CryptoError.self) { try PageKey(copying: SecureRandom.bytes(count: byteCount)) }
        #expect(error?.code == .invalidSize)
    }

    @Test func copiedKeyHoldsTheGivenBytes() throws {
        let bytes = SecureRandom.bytes(count: 32)
        let key = try PageKey(copying: bytes)
        #expect(key.withUnsafeBytes { Array($0) } == bytes)
    }

    @Test func errorDescriptionCarriesNoKeyMaterial() throws {
        let key = SubjectDEK()
        let box = try XChaCha20Poly1305.seal([1, 2, 3], using: key)
        do {
            _ = try XChaCha20Poly1305.open(box, using: SubjectDEK())
            Issue.record("opened with the wrong key")
        } catch let error as CryptoError {
            #expect(!error.description.contains(key.withUnsafeBytes { Hex.encode($0) }))
            #expect(error.description.contains("authentication_failed"))
        }
    }
}
