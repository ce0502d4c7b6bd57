/// What is durable and acknowledged: the Merkle tree and where each entry sits on disk.
struct CommittedLog {
    /// A segment's name, first sequence and acknowledged byte count.
    struct Segment {
        let name: String
        let firstSequence: UInt64
        var byteCount: UInt64
    }

    var tree: MerkleTree
    /// Byte offset of entry `i` within its segment.
    var offsets: [UInt64]
    var segments: [Segment]

    /// Records a durable batch of `lineLengths` (each including its `\n`) written at
    /// `startOffset` of `segmentName`.
    mutating func append(
        leafHashes: [[UInt8]],
        lineLengths: [Int],
        segmentName: String,
        firstSequence: UInt64,
        startOffset: UInt64
    ) {
        if segments.last?.name != segmentName {
            segments.append(Segment(name: segmentName, firstSequence: firstSequence, byteCount: 0))
        }
        var offset = startOffset
        for (hash, length) in zip(leafHashes, lineLengths) {
            tree.append(leafHash: hash)
            offsets.append(offset)
            offset += UInt64(length)
        }
        segments[segments.count - 1].byteCount = offset
    }

    /// Where entry `sequence` is: its segment and byte range (without the `\n`).
    func location(of sequence: UInt64) -> (segment: String, range: Range<UInt64>) {
        precondition(sequence < tree.size, "entry \(sequence) is not committed")
        var low = 0
        var high = segments.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if segments[middle].firstSequence <= sequence { low = middle } else { high = middle - 1 }
        }
        let segment = segments[low]
        let start = offsets[Int(sequence)]
        let isLastInSegment =
            low + 1 < segments.count
            ? sequence + 1 == segments[low + 1].firstSequence : sequence + 1 == tree.size
        let end = isLastInSegment ? segment.byteCount : offsets[Int(sequence) + 1]
        return (segment.name, start..<end - 1)
    }
}
