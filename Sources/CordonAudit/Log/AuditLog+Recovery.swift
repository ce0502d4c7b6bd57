import CordonCrypto
import Synchronization

extension AuditLog {
    /// Whether the log accepts appends, and if not, why and since when.
    public var health: AuditHealth { writer.withLock { $0.health } }

    /// Tries to bring a failed log back now, whatever ``AuditConfiguration/recoveryEveryMilliseconds``
    /// says; returns at once when the log accepts appends.
    ///
    /// Recovery never retries an fsync on the descriptor that failed (see `writeDurably`):
    /// it closes the segment, cuts it back to the bytes acknowledged before the failure
    /// (removing a failed batch's partial lines, or a segment created for it), fsyncs the
    /// file and the folder, re-reads from disk every entry after the latest checkpoint and
    /// checks each against the leaf hash the log acknowledged, proves the volume takes a
    /// new block (a page-sized file written, fsynced and deleted), writes the checkpoint
    /// that may have failed, and records itself as an `audit.recovered` entry. Only then
    /// are appends accepted.
    ///
    /// Throws ``AuditError/Code/unavailable`` with the reason the log is still failed: the
    /// disk still refuses writes, or the files no longer match what was acknowledged (an
    /// edit or a lost write: the reason names the file and entry, and the log stays failed
    /// until an operator looks); ``AuditError/Code/closed`` after ``close()``.
    public func recover() throws(AuditError) {
        switch writer.withLock({ $0.beginRecovery(instant: .now, force: true) }) {
        case .writable: return
        case .closed(let error): throw error
        case .notNow(let failure): throw refusal(failure.error)
        case .recover: if let error = runRecovery() { throw refusal(error) }
        }
    }

    /// Tries to recover a failed log if an attempt is due (at most one per
    /// ``AuditConfiguration/recoveryEveryMilliseconds``), and returns the health after:
    /// what a readiness probe calls, so probing cannot hammer a failing disk.
    @discardableResult
    public func recoverIfDue() -> AuditHealth {
        if writer.withLock({ $0.beginRecovery(instant: .now, force: false) }) == .recover { _ = runRecovery() }
        return health
    }

    /// The recovery itself, run by the one caller the state machine made the recoverer:
    /// nil once the log accepts appends again, else why it stays failed.
    func runRecovery() -> AuditError? {
        do throws(AuditError) {
            // Serialized with checkpoint writers; no leader runs while the log is recovering.
            try checkpointWriting.withLock { (written: inout UInt64) throws(AuditError) in
                let durable = try repairSegments()
                try verifyTail(durableCount: durable)
                try directory.probeWritable(using: configuration.fileOperations)
                _ = directory.removeTemporaries()  // a failed checkpoint write's temporary file
                if durable > latestCheckpointSize { _ = try writeCheckpoint(&written) }
                try appendRecoveryEntry(durableCount: durable)
            }
            writer.withLock { $0.recoverySucceeded(durableCount: treeSize) }
            return nil
        } catch {
            writer.withLock { $0.recoveryFailed(error, instant: .now) }
            return error
        }
    }

    /// Closes the segment, cuts the files back to what was acknowledged, makes that
    /// durable, and reopens the last segment for appending; returns the durable entry count.
    ///
    /// A segment created for the failed batch (named after the first unacknowledged
    /// sequence number) is deleted; any other file that does not match the acknowledged
    /// state — a segment missing or shorter than acknowledged, an earlier one changed in
    /// size, an unexpected one — is a lost write or tampering, never a full disk.
    private func repairSegments() throws(AuditError) -> UInt64 {
        try segment.withLock { (file: inout SegmentFile?) throws(AuditError) -> UInt64 in
            // Drop the descriptor whose write or fsync failed: after a failed fsync the kernel
            // may have marked the unwritten pages clean, so an fsync retried on it can report
            // success for data that never reached the disk (fsyncgate). Everything below
            // works on fresh descriptors and on bytes that an earlier fsync made durable.
            file = nil
            let (known, size) = committed.withLock { ($0.segments, $0.tree.size) }
            for (first, name) in try directory.segments() where !known.contains(where: { $0.name == name }) {
                guard first == size, first >= (known.last?.firstSequence ?? 0) else {
                    throw AuditError(
                        .tampered,
                        "audit segment \(name) appeared while the log holds \(size) entries: it was not written by this log",
                        sequence: first,
                        file: name
                    )
                }
                try directory.remove(name)
            }
            for (index, segment) in known.enumerated() {
                let isLast = index == known.count - 1
                guard let length = try directory.byteCount(of: segment.name) else {
                    throw AuditError(
                        .tampered,
                        "audit segment \(segment.name) is missing: acknowledged entries from \(segment.firstSequence) were lost",
                        sequence: segment.firstSequence,
                        file: segment.name
                    )
                }
                guard length >= segment.byteCount, length == segment.byteCount || isLast else {
                    throw AuditError(
                        .tampered,
                        "audit segment \(segment.name) holds \(length) bytes, but \(segment.byteCount) were acknowledged: "
                            + (length < segment.byteCount
                                ? "an acknowledged write was lost or the file was cut"
                                : "it changed after it was closed"),
                        file: segment.name
                    )
                }
                // Cutting the last segment back (to its own length, when the failed batch left
                // nothing) and fsyncing it through a new descriptor.
                if isLast { try directory.truncate(segment.name, to: segment.byteCount) }
            }
            try directory.syncDirectory(directory.path(of: AuditDirectory.segmentsFolder))
            if let last = known.last {
                file = try SegmentFile(
                    path: directory.path(of: last.name),
                    name: last.name,
                    firstSequence: last.firstSequence,
                    entryCount: size - last.firstSequence,
                    byteCount: last.byteCount,
                    create: false
                )
            }
            return size
        }
    }

    /// Re-reads from disk the entries after the latest checkpoint (at least the last
    /// entry), checking each against the leaf hash the log acknowledged: a lost, torn or
    /// altered write fails here with the entry's sequence number and file.
    private func verifyTail(durableCount: UInt64) throws(AuditError) {
        guard durableCount > 0 else { return }
        let first = min(latestCheckpointSize, durableCount - 1)
        let names = committed.withLock { log in
            log.segments.indices.filter { index in
                let end = index + 1 < log.segments.count ? log.segments[index + 1].firstSequence : durableCount
                return end > first
            }.map { log.segments[$0].name }
        }
        for name in names { directory.dropCachedPages(name) }
        _ = try entries(in: first..<durableCount)
    }

    /// Appends the `audit.recovered` entry: the trail shows when appends were refused and
    /// why (requests refused meanwhile have no entries of their own), and its durable write
    /// proves the segment takes appends again before any caller is told so.
    private func appendRecoveryEntry(durableCount: UInt64) throws(AuditError) {
        let failure = writer.withLock { $0.health.failure }
        var details: [String: AuditDetailValue] = [:]
        if let failure {
            details["failedSince"] = .string(failure.since.description)
            details["failure"] = .string(failure.error.code.name)
            details["cause"] = .string(failure.reason)
            details["failedRecoveryAttempts"] = .integer(Int64(failure.failedRecoveryAttempts))
        }
        let event = AuditEvent(
            actor: "cordon:audit-log",
            role: "system",
            action: "audit.recovered",
            outcome: .ok,
            requestId: "req-" + Hex.encode(SecureRandom.randomID(byteCount: 8)),
            details: details
        )
        let entry = writer.withLock {
            $0.numberRecoveryEntry(event, durableCount: durableCount, now: .now())
        }
        let encoded = PendingAppend(entry: entry).encoded()
        let (name, segmentStart, offset) = try writeDurably(
            encoded.bytes,
            entries: 1,
            firstSequence: entry.sequence
        )
        committed.withLock {
            $0.append(
                leafHashes: encoded.leafHashes,
                lineLengths: encoded.lineLengths,
                segmentName: name,
                firstSequence: segmentStart,
                startOffset: offset
            )
        }
    }
}
