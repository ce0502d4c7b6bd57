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
        let target = UInt64(random.int(below: Int(totalWeight)))
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return elements[low]
    }
}

extension DemoWeightedTable: Sendable where Element: Sendable {}
