import CordonCrypto
import Testing

@Suite("Hex")
struct HexTests {
    @Test func encodeThenDecodeRoundTrips() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(bytes)) == bytes)
        #expect(Hex.encode([0x00, 0xab, 0xff]) == "00abff")
        #expect(Hex.decode("00ABff") == [0x00, 0xab, 0xff])
    }

    @Test(arguments: ["0", "zz", "0g", "abc"])
    func invalidHexDecodesToNil(text: String) {
        #expect(Hex.decode(text) == nil)
    }
}
