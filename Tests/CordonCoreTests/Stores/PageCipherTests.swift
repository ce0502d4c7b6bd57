import CordonStore
import Testing

@testable import CordonCore

/// The core's page cipher names the store layer's algorithms one for one.
@Suite("PageCipher")
struct PageCipherTests {
    @Test func theRawValuesAreWhatCordonJSONRecords() {
        #expect(PageCipher.allCases.map(\.rawValue) == ["xchacha20-poly1305", "aes-256-gcm"])
        #expect(PageCipher.xChaCha20Poly1305.isAvailable)
    }

    @Test(arguments: PageCipher.allCases)
    func aPageCipherIsTheStoreAlgorithmOfTheSameName(_ cipher: PageCipher) {
        #expect(cipher.algorithm.rawValue == cipher.rawValue)
        #expect(PageCipher(cipher.algorithm) == cipher)
    }
}
