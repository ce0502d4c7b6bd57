/// Whether an ``AuditLog`` accepts appends, and if not, why and since when: what `/readyz`
/// and `/metrics` report.
///
/// ```swift
/// let health = log.health
/// if case .failed(let failure) = health.state { print("audit down since \(failure.since): \(failure.reason)") }
/// ```
public struct AuditHealth: Sendable, Equatable {
    /// Why a log refuses appends.
    public struct Failure: Sendable, Equatable {
        /// The failure (or the latest failed recovery attempt): a write, fsync or checkpoint
        /// write that failed (`write_failed`, usually a full or failing disk), or files that
        /// no longer match what was acknowledged (`tampered`: an edit or a lost write).
        public var error: AuditError
        /// When the log stopped accepting appends.
        public var since: AuditTimestamp
        /// Recovery attempts that failed since then.
        public var failedRecoveryAttempts: Int

        /// One sentence for operators and probes: names files only relative to the audit
        /// directory, never absolute paths, entry contents or keys.
        public var reason: String { error.message }
    }

    /// The log's state.
    public enum State: Sendable, Equatable {
        /// Appends are accepted.
        case writable
        /// Appends are refused until the log recovers: on its own, at most once per
        /// ``AuditConfiguration/recoveryEveryMilliseconds`` (an append or a probe starts
        /// the attempt), or through ``AuditLog/recover()``.
        case failed(Failure)
        /// ``AuditLog/close()`` was called.
        case closed
    }

    /// The state now.
    public var state: State
    /// Times the log stopped accepting appends since it was opened.
    public var failures: Int
    /// Times it recovered since it was opened.
    public var recoveries: Int

    /// Whether appends are accepted.
    public var isWritable: Bool { state == .writable }

    /// The failure, while the log refuses appends because of one.
    public var failure: Failure? {
        if case .failed(let failure) = state { return failure }
        return nil
    }
}

extension GroupCommitState {
    /// The public view of the state: a log that is recovering right now still refuses
    /// appends, so it reports as failed.
    var health: AuditHealth {
        let state: AuditHealth.State =
            switch phase {
            case .idle, .committing: .writable
            case .failed(let failure), .recovering(let failure):
                .failed(
                    AuditHealth.Failure(
                        error: failure.error,
                        since: failure.since,
                        failedRecoveryAttempts: failure.failedAttempts
                    )
                )
            case .closed: .closed
            }
        return AuditHealth(state: state, failures: failureCount, recoveries: recoveryCount)
    }
}
