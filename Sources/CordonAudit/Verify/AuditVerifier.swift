import CordonCrypto
public import Foundation

/// Verifies an audit directory without opening the log: read-only, changes nothing.
///
/// ```swift
/// let report = AuditVerifier.verify(directory: auditURL, publicKey: try NoteVerifierKey(parsing: keyLine))
/// if !report.isValid { print(report) }
/// ```
public enum AuditVerifier {
    /// Re-reads every entry (canonical form, consecutive sequences), rebuilds the tree and
    /// checks every checkpoint's signature under `publicKey` and its root.
    ///
    /// With `savedCheckpoint` — one a DPO fetched earlier and kept off the machine — it also
    /// proves the log extends it: the checkpoint must verify under `publicKey`, the log must
    /// be at least as long (else ``AuditError/Code/rolledBack``, "the saved checkpoint has N
    /// entries, the log has M"), and the root over its first N entries must be the
    /// checkpoint's (else ``AuditError/Code/forked``). The files here cannot show a copy of
    /// the whole directory rolled back to an older, self-consistent state; only a
    /// checkpoint kept elsewhere can.
    public static func verify(
        directory: URL,
        publicKey: NoteVerifierKey,
        savedCheckpoint: Checkpoint? = nil
    ) -> AuditVerificationReport {
        let scan = AuditScan.run(
            directory: AuditDirectory(directory),
            verifierKey: publicKey,
            origin: nil,
            keepOffsets: false
        )
        var warnings: [String] = []
        if let torn = scan.tornTail, scan.problem == nil {
            warnings.append(
                "\(torn.segment) ends with a torn line of \(torn.discardedByteCount) bytes after entry \(Int64(scan.tree.size) - 1) (a crash during a write; the next open truncates it)"
            )
        }
        var problem = scan.problem
        var consistent: UInt64?
        if problem == nil, let saved = savedCheckpoint {
            do throws(AuditError) {
                try check(saved, against: scan.tree, publicKey: publicKey)
                consistent = saved.treeSize
            } catch {
                problem = error
            }
        }
        var report = AuditVerificationReport(
            treeSize: scan.tree.size,
            rootHex: Hex.encode(scan.tree.rootHash),
            checkpointsChecked: scan.checkpointsChecked,
            latestCheckpointSize: scan.latestCheckpoint?.treeSize,
            warnings: warnings,
            problem: problem
        )
        report.consistentWithSavedCheckpoint = consistent
        return report
    }

    /// Proves `tree` extends `saved` (see ``verify(directory:publicKey:savedCheckpoint:)``).
    static func check(_ saved: Checkpoint, against tree: MerkleTree, publicKey: NoteVerifierKey) throws(AuditError) {
        try saved.verify(publicKey: publicKey.publicKey, keyName: publicKey.name)
        guard saved.treeSize <= tree.size else {
            throw AuditError(
                .rolledBack,
                "rolled back: the saved checkpoint has \(saved.treeSize) entries, the log has \(tree.size)",
                sequence: tree.size
            )
        }
        guard try tree.rootHash(treeSize: saved.treeSize) == saved.rootHash else {
            throw AuditError(
                .forked,
                "forked: the log's first \(saved.treeSize) entries do not hash to the saved checkpoint's root (entries before it were rewritten)"
            )
        }
    }
}
