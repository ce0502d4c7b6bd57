import CordonCrypto
import Testing

@Suite("KeyDerivation")
struct KeyDerivationTests {
    let kek = RegionKEK()

    @Test func derivationIsDeterministic() throws {
        let first = try KeyDerivation.deriveKey(PageKeyRole.self, from: kek, id: 1, context: "pagekey_")
        let second = try KeyDerivation.deriveKey(PageKeyRole.self, from: kek, id: 1, context: "pagekey_")
        #expect(first == second)
    }

    @Test func distinctIDsGiveDistinctKeys() throws {
        let keys = try (0..<8 as Range<UInt64>).map {
            try KeyDerivation.deriveKey(PageKeyRole.self, from: kek, id: $0, context: "pagekey_")
        }
        for i in keys.indices {
            for j in keys.indices where i < j { #expect(keys[i] != keys[j]) }
        }
    }

    @Test func distinctContextsGiveDistinctKeys() throws {
        let page = try KeyDerivation.deriveKey(PageKeyRole.self, from: kek, id: 1, context: "pagekey_")
        let blind = try KeyDerivation.deriveKey(PageKeyRole.self, from: kek, id: 1, context: "blindidx")
        #expect(page != blind)
    }

    @Test func distinctMastersGiveDistinctKeys() throws {
        let a = try KeyDerivation.deriveKey(PageKeyRole.self, from: kek, id: 1, context: "pagekey_")
        let b = try KeyDerivation.deriveKey(PageKeyRole.self, from: RegionKEK(), id: 1, context: "pagekey_")
        #expect(a != b)
    }

    @Test func derivedKeyDiffersFromItsMaster() throws {
        let derived = try KeyDerivation.deriveKey(RegionKEKRole.self, from: kek, id: 0, context: "samerole")
        #expect(derived != kek)
    }

    @Test(arguments: ["", "short", "seven77", "nine99999", "pagekëy", "page\u{0}key", "pagekey\u{7f}"])
    func contextThatIsNotEightPrintableASCIICharactersIsRefused(context: String) {
        let error = #expect(throws: CryptoError.self) {
            try KeyDerivation.deriveKey(PageKeyRole.self, from: kek, id: 1, context: context)
        }
        #expect(error?.code == .invalidInput)
    }
}
