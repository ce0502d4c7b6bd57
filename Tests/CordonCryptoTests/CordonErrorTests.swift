import Testing

@testable import CordonCrypto

/// The one error shape: defaults a conforming error gets, and CryptoError's own description.
@Suite("CordonError: one shape for errors")
struct CordonErrorTests {
    /// An error that declares only a code and a message.
    struct MinimalError: CordonError {
        struct Code: CordonErrorCode {
            let name: String
        }
        var code: Code
        var message: String
    }

    @Test func aConformingErrorDescribesItselfByItsMessageAndHasNoCause() {
        let error = MinimalError(code: .init(name: "minimal"), message: "something is wrong; do this next")
        #expect(error.description == "something is wrong; do this next")
        #expect(error.underlying == nil)
        #expect(error.code.description == "minimal")
    }

    @Test func cryptoErrorKeepsItsMessageAndCodeInItsDescription() {
        let error = CryptoError(.invalidSize, "a key is 32 bytes, got 31")
        #expect(error.description == "a key is 32 bytes, got 31 [invalid_size]")
        #expect(error.code.description == "invalid_size")
        #expect(error.underlying == nil)
        #expect(error == CryptoError(.invalidSize, "a key is 32 bytes, got 31"))
    }
}
