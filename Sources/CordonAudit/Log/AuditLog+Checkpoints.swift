import Dispatch
import Synchronization

extension AuditLog {
    /// The newest checkpoint, if any has been written.
    public var latestCheckpoint: Checkpoint? { checkpointStatus.withLock { $0.latest } }

    var latestCheckpointSize: UInt64 { checkpointStatus.withLock { $0.latest?.treeSize ?? 0 } }

    /// Signs and durably stores a checkpoint of the current tree (or returns the latest one
    /// when no entry is newer), as `checkpoints/<size>` and `checkpoints/latest`.
    ///
    /// Concurrent callers share checkpoints: the tree size is taken when the call starts, and
    /// a caller that waited while another stored a checkpoint covering it returns that one
    /// instead of signing and syncing its own (so N callers cost one write, not N).
    ///
    /// A failure to store it makes the log refuse appends until it recovers, like a failed
    /// entry write (recovery writes the checkpoint again).
    public func checkpoint() throws(AuditError) -> Checkpoint {
        let wanted = treeSize
        return try checkpointWriting.withLock { (written: inout UInt64) throws(AuditError) -> Checkpoint in
            if let latest = latestCheckpoint, latest.treeSize >= wanted { return latest }
            do throws(AuditError) {
                return try writeCheckpoint(&written)
            } catch {
                writer.withLock { $0.fail(error, now: .now(), instant: .now) }
                throw error
            }
        }
    }

    /// A checkpoint for a reader that needs a recent one, not one of this very instant: the
    /// latest stored checkpoint when it covers the whole tree or was stored by this process
    /// less than `maximumAge` ago; otherwise ``checkpoint()``.
    ///
    /// Any checkpoint the log handed out is already durable (and witnessed), so serving it
    /// again discloses nothing new and weakens nothing; it only saves a signature and four
    /// fsyncs per request. With the checkpoint timer running (every
    /// ``AuditConfiguration/checkpointEveryMilliseconds``), a `maximumAge` of that period
    /// returns a checkpoint at most about two periods behind the tree.
    public func recentCheckpoint(maximumAge: Duration) throws(AuditError) -> Checkpoint {
        let size = treeSize
        let recent = checkpointStatus.withLock { status -> Checkpoint? in
            guard let latest = status.latest else { return nil }
            if latest.treeSize >= size { return latest }
            guard let storedAt = status.storedAt, ContinuousClock.now - storedAt < maximumAge else { return nil }
            return latest
        }
        if let recent { return recent }
        return try checkpoint()
    }

    /// Signs and stores a checkpoint of the current tree; the caller holds
    /// `checkpointWriting` (and `written` is its count of checkpoints stored).
    func writeCheckpoint(_ written: inout UInt64) throws(AuditError) -> Checkpoint {
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
        written += 1
        let now = ContinuousClock.now
        checkpointStatus.withLock {
            $0.latest = checkpoint
            $0.storedAt = now
        }
        configuration.onCheckpoint?(checkpoint)
        return checkpoint
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
                // A failed log is not written to on a timer: recovery writes the checkpoint.
                guard let self, self.health.isWritable, self.treeSize > self.latestCheckpointSize else { return }
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
