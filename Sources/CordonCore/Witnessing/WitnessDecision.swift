import CordonAudit

/// What a peer's new checkpoint means next to the last one this node verified: no I/O,
/// so every case is tested without a peer.
enum WitnessDecision: Equatable {
    /// Nothing verified before: the signature is all there is to check.
    case firstSight
    /// The same size and root as before.
    case unchanged
    /// A larger tree: an RFC 9162 consistency proof from `previousSize` must verify.
    case grown(previousSize: UInt64, previousRoot: [UInt8])
    /// A smaller tree than before.
    case truncated(previousSize: UInt64)
    /// Another root at the same size.
    case forked

    /// The decision for `checkpoint` after `previous` (size and root last verified).
    static func decide(previous: (size: UInt64, root: [UInt8])?, checkpoint: Checkpoint) -> WitnessDecision {
        guard let previous else { return .firstSight }
        if checkpoint.treeSize < previous.size { return .truncated(previousSize: previous.size) }
        if checkpoint.treeSize == previous.size {
            return checkpoint.rootHash == previous.root ? .unchanged : .forked
        }
        return .grown(previousSize: previous.size, previousRoot: previous.root)
    }
}
