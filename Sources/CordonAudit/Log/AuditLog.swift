public import CordonCrypto
import Dispatch
public import Foundation
import Synchronization

/// Cordon's append-only, tamper-evident audit trail: canonical JSON entries in segment
/// files, an RFC 9162 Merkle tree over them, and signed C2SP checkpoints.
///
/// Thread-safe and synchronous: HTTP handler threads call ``append(_:)`` directly, and it
/// returns only once the entry is fsynced. Concurrent callers share one `write` and one
/// `fdatasync` (group commit), so throughput comes from batching, never from skipping sync.
///
/// ```swift
/// let log = try AuditLog.open(directory: data.appending(path: "audit"), signingKey: key,
///                             origin: "cordon.example/audit", configuration: AuditConfiguration())
/// let receipt = try log.append(event)   // throws → fail the audited operation
/// ```
public final class AuditLog: Sendable {
    /// The log's origin, the first line of every checkpoint.
    public let origin: String
    /// The key that verifies its checkpoints (`cordon audit pubkey` prints it).
    public let verifierKey: NoteVerifierKey
    /// Warnings from ``open(directory:signingKey:origin:configuration:)``: a truncated torn
    /// tail, removed temporary files. Empty for a clean open.
    public let openWarnings: [String]

    let directory: AuditDirectory
    let configuration: AuditConfiguration
    let signingKey: Ed25519.SigningKey
    let writer: Mutex<GroupCommitState>
    /// The segment being appended to; locked only by the current leader.
    let segment = Mutex<SegmentFile?>(nil)
    let committed: Mutex<CommittedLog>
    /// Held while a checkpoint is signed and written, which serializes checkpoint writers.
    let checkpointWriting = Mutex<UInt64>(0)
    /// The newest checkpoint, when this process stored it (nil for one found on open), and
    /// whether one is scheduled (a small lock, never held for I/O).
    let checkpointStatus: Mutex<(latest: Checkpoint?, storedAt: ContinuousClock.Instant?, scheduled: Bool)>
    let checkpointQueue = DispatchQueue(label: "cordon.audit.checkpoint")
    let timer = Mutex<(any DispatchSourceTimer)?>(nil)

    /// Opens (creating when missing) the log in `directory`, verifying everything in it.
    ///
    /// Every entry is re-read, checked for canonical form and consecutive sequence numbers
    /// and hashed; every stored checkpoint must verify under `signingKey`'s public key and
    /// match the recomputed root at its size. A torn last line (a crash mid-write) is cut
    /// off durably and reported in ``openWarnings``; anything else throws
    /// ``AuditError/Code/tampered`` naming the first bad sequence number and the file.
    public static func open(
        directory url: URL,
        signingKey: Ed25519.SigningKey,
        origin: String,
        configuration: AuditConfiguration
    ) throws(AuditError) -> AuditLog {
        try Checkpoint.validate(origin: origin)
        let verifierKey = try NoteVerifierKey(name: configuration.keyName ?? origin, publicKey: signingKey.publicKey)
        let directory = AuditDirectory(url)
        try directory.create()
        let scan = AuditScan.run(directory: directory, verifierKey: verifierKey, origin: origin, keepOffsets: true)
        if let problem = scan.problem { throw problem }
        var warnings: [String] = []
        if let torn = scan.tornTail {
            try directory.truncate(torn.segment, to: torn.validByteCount)
            warnings.append(
                "truncated a torn tail of \(torn.discardedByteCount) bytes after entry \(Int64(scan.tree.size) - 1) in \(torn.segment)"
            )
        }
        warnings += directory.removeTemporaries().map { "removed the leftover temporary file \($0)" }
        let log = AuditLog(
            directory: directory,
            scan: scan,
            signingKey: signingKey,
            origin: origin,
            verifierKey: verifierKey,
            configuration: configuration,
            warnings: warnings
        )
        if let last = scan.segments.last {
            try log.segment.withLock { (file: inout SegmentFile?) throws(AuditError) in
                file = try SegmentFile(
                    path: directory.path(of: last.name),
                    name: last.name,
                    firstSequence: last.firstSequence,
                    entryCount: last.entryCount,
                    byteCount: last.validByteCount,
                    create: false
                )
            }
        }
        if configuration.startsCheckpointTimer { log.startTimer() }
        return log
    }

    private init(
        directory: AuditDirectory,
        scan: AuditScan,
        signingKey: Ed25519.SigningKey,
        origin: String,
        verifierKey: NoteVerifierKey,
        configuration: AuditConfiguration,
        warnings: [String]
    ) {
        self.directory = directory
        self.configuration = configuration
        self.signingKey = signingKey
        self.origin = origin
        self.verifierKey = verifierKey
        self.openWarnings = warnings
        writer = Mutex(
            GroupCommitState(
                nextSequence: scan.tree.size,
                lastTime: scan.lastTime ?? AuditTimestamp(millisecondsSince1970: 0),
                maxBatchEntries: configuration.maxBatchEntries,
                retryInterval: .milliseconds(configuration.recoveryEveryMilliseconds)
            )
        )
        committed = Mutex(
            CommittedLog(
                tree: scan.tree,
                offsets: scan.offsets,
                segments: scan.segments.map {
                    .init(name: $0.name, firstSequence: $0.firstSequence, byteCount: $0.validByteCount)
                }
            )
        )
        checkpointStatus = Mutex((scan.latestCheckpoint, nil, false))
    }

    deinit {
        timer.withLock { $0?.cancel() }
    }

    /// Appends one entry and returns once it is durable.
    ///
    /// Throws ``AuditError/Code/writeFailed`` when the write or fsync failed (nothing is
    /// acknowledged, and the log then refuses appends until it recovers),
    /// ``AuditError/Code/unavailable`` while it refuses them (an append that finds a retry
    /// due tries to recover first, see ``recover()``), or ``AuditError/Code/closed`` after
    /// ``close()``.
    public func append(_ event: AuditEvent) throws(AuditError) -> AuditReceipt {
        try appendBatch([event])[0]
    }

    /// Appends `events` as consecutive entries and returns once all are durable.
    public func appendBatch(_ events: [AuditEvent]) throws(AuditError) -> [AuditReceipt] {
        guard !events.isEmpty else { return [] }
        // Everything that allocates or reads a clock happens before the writer lock, which
        // every appender takes: under it, the state machine only stamps numbers and queues.
        let pending = PendingAppend(ticket: CommitTicket(), events: events)
        var action: GroupCommitState.EnqueueAction
        repeat {
            let now = AuditTimestamp.now()
            let instant = ContinuousClock.now
            action = writer.withLock { $0.enqueue(pending, now: now, instant: instant) }
            if action == .recover {
                // This caller found the log failed with a retry due: it repairs the log, and
                // on success queues its entries like any other caller.
                if let error = runRecovery() { throw refusal(error) }
            }
        } while action == .recover
        switch action {
        case .refuse(let error):
            throw error.code == .closed ? error : refusal(error)
        case .lead:
            lead()
        case .wait, .recover:
            // Encode and hash now, outside every lock, while the current batch is synced.
            _ = pending.encoded()
        }
        while true {
            switch pending.ticket.wait() {
            case .lead: lead()
            case .committed(let receipts): return receipts
            case .failed(let error): throw error
            }
        }
    }

    /// Writes one batch as the group-commit leader and resolves every ticket in it.
    ///
    /// The callers in the batch have usually encoded their entries already; the leader
    /// concatenates them, writes and syncs, hands leadership on at once (so the next batch
    /// starts while this one is acknowledged), then wakes the batch's callers.
    private func lead() {
        let batch = writer.withLock { $0.takeBatch() }
        let encoded = batch.map { $0.encoded() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.reduce(0) { $0 + $1.bytes.count })
        var hashes: [[UInt8]] = []
        var lengths: [Int] = []
        for part in encoded {
            bytes += part.bytes
            hashes += part.leafHashes
            lengths += part.lineLengths
        }
        let firstSequence = batch[0].firstSequence
        do {
            let (name, segmentStart, offset) = try writeDurably(
                bytes,
                entries: UInt64(hashes.count),
                firstSequence: firstSequence
            )
            let size = committed.withLock {
                $0.append(
                    leafHashes: hashes,
                    lineLengths: lengths,
                    segmentName: name,
                    firstSequence: segmentStart,
                    startOffset: offset
                )
                return $0.tree.size
            }
            let next = writer.withLock { $0.batchSucceeded() }
            switch next {
            case .idle: break
            case .handOff(let ticket): ticket.resolve(.lead)
            case .refuse(let waiting, let error):
                let refusal = error.code == .closed ? error : refusal(error)
                for ticket in waiting { ticket.resolve(.failed(refusal)) }
            }
            for (pending, part) in zip(batch, encoded) { pending.ticket.resolve(.committed(part.receipts)) }
            scheduleCheckpointIfDue(treeSize: size)
        } catch {
            let waiting = writer.withLock { $0.batchFailed(error, now: .now(), instant: .now) }
            for pending in batch { pending.ticket.resolve(.failed(error)) }
            let refusal = AuditError(
                .writeFailed,
                "not written: an earlier batch failed (\(error.message))",
                file: error.file
            )
            for ticket in waiting { ticket.resolve(.failed(refusal)) }
        }
    }

    /// The error for an append refused while the log is failed: why, and since when.
    func refusal(_ error: AuditError) -> AuditError {
        let since = health.failure.map { " since \($0.since)" } ?? ""
        return AuditError(
            .unavailable,
            "the audit log refuses appends\(since) until it recovers: \(error.message)",
            sequence: error.sequence,
            file: error.file
        )
    }

    /// Appends `bytes` to the current segment (rolling to a new one when full) and syncs.
    ///
    /// After a failed fsync the state of the file is unknown: Linux may drop the dirty pages
    /// and clear the error, so a retried fsync can "succeed" without the data ever reaching
    /// disk (PostgreSQL's "fsyncgate", 2018, which made PostgreSQL PANIC instead of retrying).
    /// So a failure here is never retried on this descriptor: the caller fails the batch and
    /// the log refuses appends until recovery has closed the file, cut it back to the bytes
    /// acknowledged before, and re-verified them from disk (`AuditLog+Recovery.swift`).
    func writeDurably(
        _ bytes: [UInt8],
        entries: UInt64,
        firstSequence: UInt64
    ) throws(AuditError)
        -> (name: String, firstSequence: UInt64, offset: UInt64)
    {
        let configuration = configuration
        let directory = directory
        return try segment.withLock { (file: inout SegmentFile?) throws(AuditError) in
            if let current = file, current.entryCount > 0,
                current.entryCount >= configuration.segmentMaxEntries
                    || current.byteCount >= configuration.segmentMaxBytes
            {
                file = nil
            }
            if file == nil {
                let name = AuditDirectory.segmentName(firstSequence: firstSequence)
                file = try SegmentFile(
                    path: directory.path(of: name),
                    name: name,
                    firstSequence: firstSequence,
                    entryCount: 0,
                    byteCount: 0,
                    create: true
                )
                try directory.syncDirectory(directory.path(of: AuditDirectory.segmentsFolder))
            }
            let current = file!
            let offset = current.byteCount
            try current.appendDurably(bytes, entries: entries, using: configuration.fileOperations)
            return (current.name, current.firstSequence, offset)
        }
    }

    /// Stops the log without signing anything: the timer stops, appends are refused and no
    /// final checkpoint is written. For an owner that found the trail inconsistent with
    /// state outside it (a cut trail must never get a fresh signature).
    public func abandon() {
        timer.withLock {
            $0?.cancel()
            $0 = nil
        }
        writer.withLock { $0.close(AuditError(.closed, "the audit log was abandoned")) }
        checkpointQueue.sync {}
    }

    /// Writes a final checkpoint when entries are newer than the latest one, stops the
    /// checkpoint timer, and refuses further appends for good.
    public func close() throws(AuditError) {
        timer.withLock {
            $0?.cancel()
            $0 = nil
        }
        writer.withLock { $0.close(AuditError(.closed, "the audit log was closed")) }
        checkpointQueue.sync {}
        if treeSize > latestCheckpointSize { _ = try checkpoint() }
    }
}
