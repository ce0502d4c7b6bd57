/// What ``AuditVerifier`` found in an audit directory.
public struct AuditVerificationReport: Sendable, Equatable, CustomStringConvertible {
    /// The number of complete, verified entries.
    public let treeSize: UInt64
    /// The RFC 9162 root over them, in lowercase hex.
    public let rootHex: String
    /// How many checkpoint files (including `latest`) verified.
    public let checkpointsChecked: Int
    /// The size of the newest valid checkpoint.
    public let latestCheckpointSize: UInt64?
    /// Non-fatal findings: a torn tail that the next open will truncate.
    public let warnings: [String]
    /// The first problem, `nil` when everything verifies.
    public let problem: AuditError?
    /// The size of a checkpoint kept elsewhere that the log was proved consistent with
    /// (``AuditVerifier/verify(directory:publicKey:savedCheckpoint:)``), `nil` when none was given.
    public var consistentWithSavedCheckpoint: UInt64? = nil

    /// Whether the directory verifies (warnings allowed).
    public var isValid: Bool { problem == nil }

    public var description: String {
        var lines = ["tree size \(treeSize)", "root \(rootHex)", "checkpoints verified \(checkpointsChecked)"]
        if let latestCheckpointSize { lines.append("latest checkpoint size \(latestCheckpointSize)") }
        if let consistentWithSavedCheckpoint {
            lines.append("consistent with the saved checkpoint of size \(consistentWithSavedCheckpoint)")
        }
        lines += warnings.map { "warning: \($0)" }
        if let problem {
            lines.append("FAILED at sequence \(problem.sequence.map(String.init) ?? "-"): \(problem.message)")
        } else {
            lines.append("OK")
        }
        return lines.joined(separator: "\n")
    }
}
