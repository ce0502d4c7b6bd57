import CordonCore

/// Elements with integer weights, drawn in proportion to them (binary search over the
/// cumulative weights, so a draw is O(log n) and exact on every platform).
struct DemoWeightedTable<Element> {
    /// The elements, in the order given.
    let elements: [Element]
    private let cumulative: [UInt64]

    /// A table of `(element, weight)` pairs; zero weights are never drawn.
    ///
    /// - Precondition: at least one weight is positive (the tables are built-in constants).
    init(_ pairs: [(Element, UInt64)]) {
        var running: UInt64 = 0
        var elements: [Element] = []
        var cumulative: [UInt64] = []
        for (element, weight) in pairs where weight > 0 {
            running += weight
            elements.append(element)
            cumulative.append(running)
        }
        precondition(running > 0, "a weighted table needs a positive weight")
        self.elements = elements
        self.cumulative = cumulative
    }

    /// The total weight.
    var totalWeight: UInt64 { cumulative.last! }

    /// One element, drawn in proportion to its weight.
    func draw(using random: inout DemoDataRandom) -> Element {
        draw(in: 0..<elements.count, using: &random)
    }

    /// One of the elements at `positions` (indices into ``elements``), drawn in proportion
    /// to its weight among them.
    ///
    /// - Precondition: `positions` is a non-empty range of ``elements``' indices.
    func draw(in positions: Range<Int>, using random: inout DemoDataRandom) -> Element {
        precondition(!positions.isEmpty && positions.upperBound <= elements.count, "positions out of the table")
        let floor = positions.lowerBound == 0 ? 0 : cumulative[positions.lowerBound - 1]
        let target = floor + UInt64(random.int(below: Int(cumulative[positions.upperBound - 1] - floor)))
        var low = positions.lowerBound
        var high = positions.upperBound - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return elements[low]
    }
}

extension DemoWeightedTable: Sendable where Element: Sendable {}
