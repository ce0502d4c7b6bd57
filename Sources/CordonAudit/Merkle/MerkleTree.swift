import CordonCrypto

/// An append-only RFC 9162 Merkle tree held in memory: every leaf hash and every complete
/// internal node, so roots at any size and proofs cost O(log n) hashes.
///
/// Level `h` stores the hashes of the complete subtrees of `2^h` leaves, 32 bytes each,
/// contiguously; for n leaves that is about 2 × 32 × n bytes (64 MB at a million).
public struct MerkleTree: Sendable {
    private var levels: [[UInt8]] = [[]]
    /// The number of leaves.
    public private(set) var size: UInt64 = 0

    /// An empty tree.
    public init() {}

    /// The tree over `leafHashes` (32-byte leaf hashes, concatenated), its levels built on
    /// every core: how verification and ``AuditLog`` open a large log.
    init(leafHashes: [UInt8]) {
        precondition(leafHashes.count % MerkleHasher.hashByteCount == 0, "leaf hashes are 32 bytes each")
        levels = [leafHashes]
        size = UInt64(leafHashes.count / MerkleHasher.hashByteCount)
        var level = leafHashes
        while level.count >= 2 * MerkleHasher.hashByteCount {
            let children = level
            let parentCount = children.count / (2 * MerkleHasher.hashByteCount)
            let piece = 16_384
            let pieces = ParallelMap.map((parentCount + piece - 1) / piece, parallel: parentCount >= 2 * piece) {
                index in
                children.withUnsafeBytes { bytes in
                    var parents: [UInt8] = []
                    let range = index * piece..<min(parentCount, (index + 1) * piece)
                    parents.reserveCapacity(range.count * MerkleHasher.hashByteCount)
                    for parent in range {
                        var hasher = SHA256()
                        hasher.update(byte: 0x01)
                        hasher.update(UnsafeRawBufferPointer(rebasing: bytes[parent * 64..<parent * 64 + 64]))
                        parents.append(contentsOf: hasher.finalize())
                    }
                    return parents
                }
            }
            level = pieces.count == 1 ? pieces[0] : Array(pieces.joined())
            levels.append(level)
        }
    }

    /// Appends a 32-byte leaf hash.
    public mutating func append(leafHash: [UInt8]) {
        precondition(leafHash.count == MerkleHasher.hashByteCount, "a leaf hash is 32 bytes")
        levels[0].append(contentsOf: leafHash)
        size += 1
        var level = 0
        var count = size
        while count % 2 == 0 {
            let nodes = levels[level].count / 32
            let parent = MerkleHasher.nodeHash(node(level, nodes - 2), node(level, nodes - 1))
            if levels.count == level + 1 { levels.append([]) }
            levels[level + 1].append(contentsOf: parent)
            level += 1
            count /= 2
        }
    }

    /// The leaf hash at `index`.
    public func leafHash(at index: UInt64) -> [UInt8] {
        precondition(index < size, "leaf \(index) is past the tree size \(size)")
        return node(0, Int(index))
    }

    /// The root of the first `treeSize` leaves (`SHA-256("")` for 0).
    public func rootHash(treeSize: UInt64) throws(AuditError) -> [UInt8] {
        guard treeSize <= size else {
            throw AuditError(.invalidArgument, "tree size \(treeSize) is larger than the log (\(size))")
        }
        return treeSize == 0 ? MerkleHasher.emptyRoot : subtreeHash(start: 0, count: treeSize)
    }

    /// The current root.
    public var rootHash: [UInt8] { size == 0 ? MerkleHasher.emptyRoot : subtreeHash(start: 0, count: size) }

    /// The RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of `treeSize` leaves.
    public func inclusionProof(index: UInt64, treeSize: UInt64) throws(AuditError) -> [[UInt8]] {
        guard treeSize <= size, index < treeSize else {
            throw AuditError(
                .invalidArgument,
                "no inclusion proof for leaf \(index) in a tree of \(treeSize) (log size \(size))"
            )
        }
        var proof: [[UInt8]] = []
        path(index, start: 0, count: treeSize, into: &proof)
        return proof
    }

    /// The RFC 9162 §2.1.4.1 consistency proof between sizes `oldSize` and `newSize`
    /// (empty when they are equal; the empty tree has no consistency proof).
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) throws(AuditError) -> [[UInt8]] {
        guard oldSize > 0, oldSize <= newSize, newSize <= size else {
            throw AuditError(
                .invalidArgument,
                "no consistency proof from \(oldSize) to \(newSize) (log size \(size))"
            )
        }
        var proof: [[UInt8]] = []
        subproof(oldSize, start: 0, count: newSize, complete: true, into: &proof)
        return proof
    }

    // MARK: - RFC 9162 recursions over [start, start + count)

    private func path(_ m: UInt64, start: UInt64, count: UInt64, into proof: inout [[UInt8]]) {
        guard count > 1 else { return }
        let k = Self.largestPowerOfTwo(below: count)
        if m < k {
            path(m, start: start, count: k, into: &proof)
            proof.append(subtreeHash(start: start + k, count: count - k))
        } else {
            path(m - k, start: start + k, count: count - k, into: &proof)
            proof.append(subtreeHash(start: start, count: k))
        }
    }

    private func subproof(_ m: UInt64, start: UInt64, count: UInt64, complete: Bool, into proof: inout [[UInt8]]) {
        if m == count {
            if !complete { proof.append(subtreeHash(start: start, count: count)) }
            return
        }
        let k = Self.largestPowerOfTwo(below: count)
        if m <= k {
            subproof(m, start: start, count: k, complete: complete, into: &proof)
            proof.append(subtreeHash(start: start + k, count: count - k))
        } else {
            subproof(m - k, start: start + k, count: count - k, complete: false, into: &proof)
            proof.append(subtreeHash(start: start, count: k))
        }
    }

    /// MTH(D[start : start + count]); the recursion only asks for aligned power-of-two
    /// ranges (stored) and right edges (split further).
    private func subtreeHash(start: UInt64, count: UInt64) -> [UInt8] {
        if count & (count - 1) == 0, start % count == 0 {
            let level = count.trailingZeroBitCount
            return node(level, Int(start >> UInt64(level)))
        }
        let k = Self.largestPowerOfTwo(below: count)
        return MerkleHasher.nodeHash(
            subtreeHash(start: start, count: k),
            subtreeHash(start: start + k, count: count - k)
        )
    }

    private func node(_ level: Int, _ index: Int) -> [UInt8] {
        Array(levels[level][index * 32..<index * 32 + 32])
    }

    /// The largest power of two strictly less than `n` (n ≥ 2).
    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        UInt64(1) << UInt64(63 - (n - 1).leadingZeroBitCount)
    }
}
