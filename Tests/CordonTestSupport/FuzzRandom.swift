/// A seeded generator for fuzz tests (a ``SeededGenerator``): the same seed gives the same
/// cases on a given toolchain, so a failure is replayed by its seed.
public struct FuzzRandom: RandomNumberGenerator, Sendable {
    private var generator: SeededGenerator

    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    public mutating func next() -> UInt64 { generator.next() }

    /// One of `items`.
    public mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }

    /// `true` with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }

    /// `bytes` changed by one to four random edits: a flipped byte, a deleted or doubled
    /// range, an inserted fragment from `fragments`, or a truncation.
    public mutating func mutate(_ bytes: [UInt8], fragments: [String]) -> [UInt8] {
        var result = bytes
        for _ in 0..<Int.random(in: 1...4, using: &self) {
            let position = result.isEmpty ? 0 : Int.random(in: 0..<result.count, using: &self)
            switch Int.random(in: 0..<6, using: &self) {
            case 0 where !result.isEmpty:
                result[position] = UInt8.random(in: 0...255, using: &self)
            case 1 where !result.isEmpty:
                let end = min(result.count, position + Int.random(in: 1...16, using: &self))
                result.removeSubrange(position..<end)
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

    /// ``mutate(_:fragments:)`` with newlines turned into spaces, so the result stays one
    /// line (of an NDJSON file, of a query).
    public mutating func mutateLine(_ bytes: [UInt8], fragments: [String]) -> [UInt8] {
        mutate(bytes, fragments: fragments).map { $0 == 0x0A ? 0x20 : $0 }
    }

    /// Up to `maximum` random bytes (no newline).
    public mutating func bytes(maximum: Int) -> [UInt8] {
        (0..<Int.random(in: 0...maximum, using: &self)).map { _ in
            let byte = UInt8.random(in: 0...255, using: &self)
            return byte == 0x0A ? 0x20 : byte
        }
    }
}
