/// How an ``AuditLog`` rolls segments and publishes checkpoints; the defaults suit a vault.
public struct AuditConfiguration: Sendable {
    /// The checkpoint signer's key name; `nil` uses the origin (the usual convention).
    public var keyName: String? = nil
    /// Write a checkpoint once this many entries are newer than the latest one.
    public var checkpointEveryEntries: UInt64 = 1000
    /// Write a checkpoint this often (milliseconds) while there are new entries; 0 disables
    /// the timer (checkpoints then come from the entry count and ``AuditLog/checkpoint()``).
    public var checkpointEveryMilliseconds: Int = 1000
    /// Start a new segment after this many entries.
    public var segmentMaxEntries: UInt64 = 1_000_000
    /// Start a new segment after this many bytes.
    public var segmentMaxBytes: UInt64 = 64 << 20
    /// The most entries one group commit writes (one `write`, one `fdatasync`).
    public var maxBatchEntries: Int = 4096

    /// Whether ``AuditLog/open(directory:signingKey:origin:configuration:)`` starts the
    /// checkpoint timer. A caller that must check the trail against outside state before
    /// anything is signed over it (the vault's anchors and witness) passes `false` and
    /// calls ``AuditLog/startCheckpointTimer()`` once satisfied.
    public var startsCheckpointTimer = true
    /// Called after each checkpoint is durably stored (on the thread that signed it), so
    /// the owner can witness it elsewhere. It must not call back into the log.
    public var onCheckpoint: (@Sendable (Checkpoint) -> Void)? = nil

    /// The system calls used to write and sync; tests swap in failing ones to prove the log
    /// fails closed (running as root, permissions alone cannot make a write fail).
    var fileOperations: any AuditFileOperations = SystemFileOperations()

    /// The defaults.
    public init() {}
}
