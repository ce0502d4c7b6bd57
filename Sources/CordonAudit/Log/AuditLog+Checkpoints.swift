import Dispatch
import Synchronization

extension AuditLog {
    /// The newest checkpoint, if any has been written.
    public var latestCheckpoint: Checkpoint? { checkpointStatus.withLock { $0.latest } }

    var latestCheckpointSize: UInt64 { checkpointStatus.withLock { $0.latest?.treeSize ?? 0 } }

    /// Signs and durably stores a checkpoint of the current tree (or returns the latest one
    /// when no entry is newer), as `checkpoints/<size>` and `checkpoints/latest`.
    ///
    /// A failure to store it makes the log refuse further appends, like a failed entry write.
    public func checkpoint() throws(AuditError) -> Checkpoint {
        try checkpointWriting.withLock { (written: inout UInt64) throws(AuditError) -> Checkpoint in
            let (size, root) = committed.withLock { ($0.tree.size, $0.tree.rootHash) }
            if let latest = latestCheckpoint, latest.treeSize >= size { return latest }
            let checkpoint = try Checkpoint.signed(
                origin: origin,
                treeSize: size,
                rootHash: root,
                signingKey: signingKey,
                keyName: verifierKey.name
            )
            let bytes = Array(checkpoint.text.utf8)
            do throws(AuditError) {
                try directory.writeAtomically(
                    bytes,
                    to: AuditDirectory.checkpointName(treeSize: size),
                    using: configuration.fileOperations
                )
                try directory.writeAtomically(
                    bytes,
                    to: "\(AuditDirectory.checkpointsFolder)/\(AuditDirectory.latestName)",
                    using: configuration.fileOperations
                )
            } catch {
                writer.withLock { $0.fail(error) }
                throw error
            }
            written += 1
            checkpointStatus.withLock { $0.latest = checkpoint }
            configuration.onCheckpoint?(checkpoint)
            return checkpoint
        }
    }

    /// Starts the timer that checkpoints new entries every `checkpointEveryMilliseconds`,
    /// for a log opened with ``AuditConfiguration/startsCheckpointTimer`` off.
    public func startCheckpointTimer() {
        if timer.withLock({ $0 == nil }) { startTimer() }
    }

    /// Starts the timer that checkpoints new entries every `checkpointEveryMilliseconds`.
    func startTimer() {
        let period = configuration.checkpointEveryMilliseconds
        guard period > 0 else { return }
        let queue = checkpointQueue
        timer.withLock { timer in
            let source = DispatchSource.makeTimerSource(queue: queue)
            source.schedule(
                deadline: .now() + .milliseconds(period),
                repeating: .milliseconds(period),
                leeway: .milliseconds(max(1, period / 10))
            )
            source.setEventHandler { [weak self] in
                guard let self, self.treeSize > self.latestCheckpointSize else { return }
                _ = try? self.checkpoint()  // a failure already stopped appends; the next append reports it
            }
            source.resume()
            timer = source
        }
    }

    /// Queues a checkpoint when `checkpointEveryEntries` entries are newer than the latest.
    func scheduleCheckpointIfDue(treeSize: UInt64) {
        let every = max(1, configuration.checkpointEveryEntries)
        let due = checkpointStatus.withLock { status -> Bool in
            // A checkpoint taken meanwhile (timer, on demand) may already cover a larger tree
            // than this leader saw: never subtract past zero.
            let latest = status.latest?.treeSize ?? 0
            guard !status.scheduled, treeSize > latest, treeSize - latest >= every else { return false }
            status.scheduled = true
            return true
        }
        guard due else { return }
        checkpointQueue.async { [weak self] in
            guard let self else { return }
            self.checkpointStatus.withLock { $0.scheduled = false }
            _ = try? self.checkpoint()  // a failure already stopped appends; the next append reports it
        }
    }
}
