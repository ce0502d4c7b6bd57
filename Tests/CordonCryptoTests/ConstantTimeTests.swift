import CordonCrypto
import Testing

@Suite("ConstantTime")
struct ConstantTimeTests {
    @Test(
        arguments: [
            ([], [], true),
            ([1, 2, 3], [1, 2, 3], true),
            ([1, 2, 3], [1, 2, 4], false),
            ([0, 2, 3], [1, 2, 3], false),
            ([1, 2, 3], [1, 2], false),
            ([], [0], false),
        ] as [([UInt8], [UInt8], Bool)]
    )
    func equalsComparesBytesAndLength(a: [UInt8], b: [UInt8], equal: Bool) {
        #expect(ConstantTime.equals(a, b) == equal)
        #expect(ConstantTime.equals(b, a) == equal)
    }

    @Test func equalsFindsADifferenceInAnyPosition() {
        let base = SecureRandom.bytes(count: 64)
        for index in base.indices {
            var other = base
            other[index] ^= 0x80
            #expect(!ConstantTime.equals(base, other), "byte \(index)")
        }
    }
}
