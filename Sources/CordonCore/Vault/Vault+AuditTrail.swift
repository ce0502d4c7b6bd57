public import CordonAudit

/// The audit trail as callers outside the core read it: entries, checkpoints and proofs.
/// The trail itself stays internal, so nothing outside the vault can append to it or
/// close it; reading it is not an effect and adds no entry (the server's request entry
/// says who read it).
extension Vault {
    /// The checkpoint verifier key (signed-note form) DPOs check checkpoints and erasure
    /// receipts with.
    public var auditVerifierKey: NoteVerifierKey { audit.verifierKey }

    /// The checkpoint origin line of this data directory.
    public var auditOrigin: String { audit.origin }

    /// How many entries the trail holds.
    public var auditTreeSize: UInt64 { audit.treeSize }

    /// The newest signed checkpoint, if any was signed since the trail opened.
    public var latestAuditCheckpoint: Checkpoint? { audit.latestCheckpoint }

    /// The entries with sequence numbers in `range`.
    public func auditEntries(in range: Range<UInt64>) throws(AuditError) -> [AuditEntry] {
        try audit.entries(in: range)
    }

    /// The newest `count` entries (fewer when the trail is shorter), oldest first.
    public func newestAuditEntries(_ count: Int) throws(AuditError) -> [AuditEntry] {
        let size = audit.treeSize
        return try audit.entries(in: (size > UInt64(count) ? size - UInt64(count) : 0)..<size)
    }

    /// The entries matching `query`, oldest first.
    public func searchAudit(_ query: AuditQuery) throws(AuditError) -> [AuditEntry] {
        try audit.search(query)
    }

    /// Signs a checkpoint of the current tree now.
    public func signAuditCheckpoint() throws(AuditError) -> Checkpoint {
        try audit.checkpoint()
    }

    /// The stored checkpoint when it covers the tree or is younger than `maximumAge`,
    /// else one signed now (decision 0018).
    public func recentAuditCheckpoint(maximumAge: Duration) throws(AuditError) -> Checkpoint {
        try audit.recentCheckpoint(maximumAge: maximumAge)
    }

    /// The RFC 9162 inclusion proof of entry `index` in the tree of `treeSize` entries
    /// (the current tree when `nil`).
    public func auditInclusionProof(index: UInt64, treeSize: UInt64? = nil) throws(AuditError) -> AuditInclusionProof {
        try audit.inclusionProof(index: index, treeSize: treeSize)
    }

    /// The RFC 9162 consistency proof from the tree of `oldSize` entries to that of `newSize`.
    public func auditConsistencyProof(
        from oldSize: UInt64,
        to newSize: UInt64
    ) throws(AuditError) -> AuditConsistencyProof {
        try audit.consistencyProof(from: oldSize, to: newSize)
    }
}
