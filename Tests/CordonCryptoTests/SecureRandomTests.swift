import CordonCrypto
import Testing

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test func uniformUInt32StaysInRangeAndHitsEveryValue() {
        var seen = [Int](repeating: 0, count: 7)
        for _ in 0..<10_000 {
            let value = SecureRandom.uniform(below: 7 as UInt32)
            #expect(value < 7)
            if value < 7 { seen[Int(value)] += 1 }
        }
        // Each value expects ~1429 hits; 1000 is more than 12 standard deviations away.
        #expect(seen.allSatisfy { $0 > 1000 }, "\(seen)")
    }

    @Test func uniformUInt64StaysInRangeAndHitsEveryValue() {
        var seen = [Int](repeating: 0, count: 7)
        for _ in 0..<10_000 {
            let value = SecureRandom.uniform(below: 7 as UInt64)
            #expect(value < 7)
            if value < 7 { seen[Int(value)] += 1 }
        }
        #expect(seen.allSatisfy { $0 > 1000 }, "\(seen)")
    }

    @Test(arguments: [(1 as UInt64) << 63, ((1 as UInt64) << 63) + 1, ((1 as UInt64) << 63) - 1, UInt64.max])
    func uniformUInt64HandlesBoundsNear2To63(bound: UInt64) {
        var upperHalf = 0
        for _ in 0..<2_000 {
            let value = SecureRandom.uniform(below: bound)
            #expect(value < bound)
            if value >= bound / 2 { upperHalf += 1 }
        }
        // Unbiased sampling puts about half the draws in the upper half of the range.
        #expect((800...1200).contains(upperHalf), "\(upperHalf)")
    }

    @Test func uniformBelowOneIsAlwaysZero() {
        #expect(SecureRandom.uniform(below: 1 as UInt32) == 0)
        #expect(SecureRandom.uniform(below: 1 as UInt64) == 0)
    }

    @Test func bernoulliExtremesAreExact() {
        for _ in 0..<100 {
            #expect(!SecureRandom.bernoulli(numerator: 0, denominator: 5))
            #expect(SecureRandom.bernoulli(numerator: 5, denominator: 5))
        }
    }

    @Test(arguments: [0, 1, 16, 1000])
    func bytesHaveTheRequestedCount(count: Int) {
        #expect(SecureRandom.bytes(count: count).count == count)
    }

    @Test func randomIDsAre16BytesAndDistinct() {
        let ids = (0..<1000).map { _ in SecureRandom.randomID() }
        #expect(ids.allSatisfy { $0.count == 16 })
        #expect(Set(ids.map { Hex.encode($0) }).count == ids.count)
        #expect(SecureRandom.randomID(byteCount: 32).count == 32)
    }
}
