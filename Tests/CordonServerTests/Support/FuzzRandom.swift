/// A seeded generator for fuzz tests (SplitMix64): the same seed gives the same cases on a
/// given toolchain, so a failure is replayed by its seed.
struct FuzzRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One of `items`.
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }

    /// `true` with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }

    /// `bytes` changed by one to four random edits (a flipped byte, a deleted or doubled
    /// range, an inserted fragment, a truncation).
    mutating func mutate(_ bytes: [UInt8], fragments: [String]) -> [UInt8] {
        var result = bytes
        for _ in 0..<Int.random(in: 1...4, using: &self) {
            let position = result.isEmpty ? 0 : Int.random(in: 0..<result.count, using: &self)
            switch Int.random(in: 0..<6, using: &self) {
            case 0 where !result.isEmpty:
                result[position] = UInt8.random(in: 0...255, using: &self)
            case 1 where !result.isEmpty:
                result.removeSubrange(position..<min(result.count, position + Int.random(in: 1...16, using: &self)))
            case 2 where !result.isEmpty:
                let end = min(result.count, position + Int.random(in: 1...16, using: &self))
                result.insert(contentsOf: result[position..<end], at: position)
            case 3:
                result.insert(contentsOf: Array(pick(fragments).utf8), at: position)
            case 4:
                result = Array(result.prefix(position))
            default:
                result.insert(UInt8.random(in: 0x20...0x7E, using: &self), at: position)
            }
        }
        return result
    }
}
