import CordonCrypto
import Testing

extension XChaCha20Poly1305Tests {
    struct WycheproofGroup: Decodable {
        let ivSize: Int
        let keySize: Int
        let tagSize: Int
        let tests: [WycheproofVector]
    }

    struct WycheproofVector: Decodable {
        let tcId: Int
        let comment: String
        let flags: [String]
        let key, iv, aad, msg, ct, tag: HexBytes
        let result: Wycheproof.Result
    }

    @Test func wycheproofVectorsAreAcceptedOrRefusedAsSpecified() throws {
        let file = try Wycheproof.load("xchacha20_poly1305_test", groups: WycheproofGroup.self)
        var validCount = 0
        var invalidCount = 0
        var acceptableCount = 0
        for group in file.testGroups {
            for vector in group.tests {
                let label = "tcId \(vector.tcId) \(vector.comment) \(vector.flags)"
                let key = try SecretKey<TestKeyRole>(copying: vector.key.bytes)
                var ciphertext = [UInt8](repeating: 0, count: vector.msg.bytes.count)
                var tag = [UInt8](repeating: 0, count: XChaCha20Poly1305.tagByteCount)
                let sealed =
                    (try? seal(
                        vector.msg.bytes,
                        into: &ciphertext,
                        tag: &tag,
                        key: key,
                        nonce: vector.iv.bytes,
                        ad: vector.aad.bytes
                    )) != nil
                let opened = try? open(
                    vector.ct.bytes,
                    tag: vector.tag.bytes,
                    key: key,
                    nonce: vector.iv.bytes,
                    ad: vector.aad.bytes
                )
                switch vector.result {
                case .valid:
                    validCount += 1
                    #expect(sealed && ciphertext == vector.ct.bytes && tag == vector.tag.bytes, "seal: \(label)")
                    #expect(opened == vector.msg.bytes, "open: \(label)")
                case .invalid:
                    invalidCount += 1
                    #expect(opened == nil, "open must refuse: \(label)")
                    #expect(
                        !sealed || ciphertext != vector.ct.bytes || tag != vector.tag.bytes,
                        "seal must not reproduce: \(label)"
                    )
                case .acceptable:
                    acceptableCount += 1
                    if let opened { #expect(opened == vector.msg.bytes, "acceptable: \(label)") }
                }
            }
        }
        #expect(validCount > 0)
        #expect(invalidCount > 0)
        #expect(validCount + invalidCount + acceptableCount == file.numberOfTests, "every vector in the file was run")
    }
}
