/// Verification of RFC 9162 inclusion and consistency proofs: pure functions over hashes,
/// usable by anyone holding a checkpoint and a proof.
public enum MerkleProof {
    /// Recomputes the root from an inclusion proof (RFC 9162 §2.1.3.2 steps 1–4).
    public static func rootFromInclusionProof(
        leafHash: [UInt8],
        index: UInt64,
        treeSize: UInt64,
        proof: [[UInt8]]
    ) throws(AuditError) -> [UInt8] {
        guard index < treeSize else {
            throw AuditError(.proofInvalid, "leaf index \(index) is not below tree size \(treeSize)")
        }
        guard leafHash.count == MerkleHasher.hashByteCount else {
            throw AuditError(.proofInvalid, "a leaf hash is 32 bytes, got \(leafHash.count)")
        }
        var fn = index
        var sn = treeSize - 1
        var r = leafHash
        for p in proof {
            guard p.count == MerkleHasher.hashByteCount else {
                throw AuditError(.proofInvalid, "a proof hash is 32 bytes")
            }
            guard sn != 0 else { throw AuditError(.proofInvalid, "the inclusion proof is too long") }
            if fn & 1 == 1 || fn == sn {
                r = MerkleHasher.nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = MerkleHasher.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw AuditError(.proofInvalid, "the inclusion proof is too short") }
        return r
    }

    /// Verifies that `leafHash` is leaf `index` of the tree of `treeSize` leaves with `root`
    /// (RFC 9162 §2.1.3.2); throws ``AuditError/Code/proofInvalid`` otherwise.
    public static func verifyInclusion(
        leafHash: [UInt8],
        index: UInt64,
        treeSize: UInt64,
        proof: [[UInt8]],
        root: [UInt8]
    ) throws(AuditError) {
        let computed = try rootFromInclusionProof(leafHash: leafHash, index: index, treeSize: treeSize, proof: proof)
        guard computed == root else {
            throw AuditError(.proofInvalid, "the inclusion proof of leaf \(index) does not lead to the root")
        }
    }

    /// Verifies that the tree of `oldSize` leaves with `oldRoot` is a prefix of the tree of
    /// `newSize` leaves with `newRoot` (RFC 9162 §2.1.4.2).
    ///
    /// Equal sizes need an empty proof and equal roots. The empty tree (`oldSize` 0) is
    /// rejected: it is trivially a prefix of everything, so a proof about it proves nothing.
    public static func verifyConsistency(
        oldSize: UInt64,
        newSize: UInt64,
        proof: [[UInt8]],
        oldRoot: [UInt8],
        newRoot: [UInt8]
    ) throws(AuditError) {
        guard oldSize <= newSize else {
            throw AuditError(.proofInvalid, "old size \(oldSize) is larger than new size \(newSize)")
        }
        guard oldSize > 0 else { throw AuditError(.proofInvalid, "no consistency proof from the empty tree") }
        if oldSize == newSize {
            guard proof.isEmpty else { throw AuditError(.proofInvalid, "equal sizes need an empty proof") }
            guard oldRoot == newRoot else { throw AuditError(.proofInvalid, "equal sizes but different roots") }
            return
        }
        // Step 1: an empty path fails.
        guard !proof.isEmpty else { throw AuditError(.proofInvalid, "the consistency proof is empty") }
        guard proof.allSatisfy({ $0.count == MerkleHasher.hashByteCount }) else {
            throw AuditError(.proofInvalid, "a proof hash is 32 bytes")
        }
        // Step 2: an old tree that is a complete subtree is its own first node.
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        // Steps 3–4.
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // Steps 5–6.
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { throw AuditError(.proofInvalid, "the consistency proof is too long") }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHasher.nodeHash(c, fr)
                sr = MerkleHasher.nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = MerkleHasher.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        // Step 7.
        guard sn == 0 else { throw AuditError(.proofInvalid, "the consistency proof is too short") }
        guard fr == oldRoot else {
            throw AuditError(.proofInvalid, "the consistency proof does not match the old root")
        }
        guard sr == newRoot else {
            throw AuditError(.proofInvalid, "the consistency proof does not match the new root")
        }
    }
}
