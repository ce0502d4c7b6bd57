import Testing

@testable import CordonCore
@testable import CordonDemoData

@Suite("DemoDataRandom")
struct DemoDataRandomTests {
    /// SplitMix64 seeded with 0 (the reference implementation by Sebastiano Vigna).
    @Test func matchesTheSplitMix64ReferenceOutput() {
        var random = DemoDataRandom(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(random.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func streamsAreIndependentAndRepeatable() {
        var first = DemoDataRandom(seed: 42, stream: .identity, index: 7)
        var again = DemoDataRandom(seed: 42, stream: .identity, index: 7)
        var neighbour = DemoDataRandom(seed: 42, stream: .identity, index: 8)
        var otherStream = DemoDataRandom(seed: 42, stream: .activity, index: 7)
        let value = first.next()
        #expect(value == again.next())
        #expect(value != neighbour.next())
        #expect(value != otherStream.next())
    }

    @Test func drawsStayInRange() {
        var random = DemoDataRandom(seed: 1)
        for _ in 0..<10_000 {
            let below = random.int(below: 7)
            let inRange = random.int(in: -3...3)
            #expect((0..<7).contains(below))
            #expect((-3...3).contains(inRange))
        }
        let never = random.chance(0)
        let always = random.chance(1)
        #expect(!never && always)
    }

    @Test func weightedDrawsFollowTheWeights() {
        let table = DemoWeightedTable([("rare", UInt64(1)), ("never", 0), ("common", 9)])
        var random = DemoDataRandom(seed: 2)
        var counts: [String: Int] = [:]
        for _ in 0..<10_000 { counts[table.draw(using: &random), default: 0] += 1 }
        #expect(counts["never"] == nil)
        #expect((800...1200).contains(counts["rare"] ?? 0))
    }
}
