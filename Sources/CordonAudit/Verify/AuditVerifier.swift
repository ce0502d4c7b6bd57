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
    public static func verify(directory: URL, publicKey: NoteVerifierKey) -> AuditVerificationReport {
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
        return AuditVerificationReport(
            treeSize: scan.tree.size,
            rootHex: Hex.encode(scan.tree.rootHash),
            checkpointsChecked: scan.checkpointsChecked,
            latestCheckpointSize: scan.latestCheckpoint?.treeSize,
            warnings: warnings,
            problem: scan.problem
        )
    }
}
