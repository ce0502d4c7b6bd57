/// One pass over an audit directory: parses and re-checks every entry, rebuilds the Merkle
/// tree, and checks every stored checkpoint against it. Changes nothing on disk.
///
/// Shared by ``AuditLog/open(directory:signingKey:origin:configuration:)`` (which then
/// truncates a torn tail) and ``AuditVerifier`` (which only reports).
struct AuditScan {
    /// What the scan learned about one segment.
    struct Segment {
        var name: String
        var firstSequence: UInt64
        var entryCount: UInt64
        /// Bytes of complete entries (the file may hold more: a torn tail).
        var validByteCount: UInt64
    }

    /// An incomplete last line after a crash.
    struct TornTail {
        var segment: String
        var validByteCount: UInt64
        var discardedByteCount: Int
    }

    var tree = MerkleTree()
    /// Byte offset of every entry within its segment (kept only when asked for).
    var offsets: [UInt64] = []
    var segments: [Segment] = []
    var lastTime: AuditTimestamp?
    var tornTail: TornTail?
    var checkpointsChecked = 0
    var latestCheckpoint: Checkpoint?
    /// The first problem; the scan stops there.
    var problem: AuditError?

    /// Scans `directory`, checking checkpoints with `verifierKey` and (when given) `origin`.
    static func run(directory: AuditDirectory, verifierKey: NoteVerifierKey, origin: String?, keepOffsets: Bool) -> AuditScan {
        var scan = AuditScan()
        do {
            try scan.scanSegments(directory, keepOffsets: keepOffsets)
            try scan.scanCheckpoints(directory, verifierKey: verifierKey, origin: origin)
        } catch {
            scan.problem = error
        }
        return scan
    }

    private mutating func scanSegments(_ directory: AuditDirectory, keepOffsets: Bool) throws(AuditError) {
        let files = try directory.segments()
        for (position, file) in files.enumerated() {
            let next = tree.size
            guard file.firstSequence == next else {
                throw AuditError(
                    .tampered,
                    "audit segment \(file.name) starts at sequence \(file.firstSequence), expected \(next): entries are missing or reordered",
                    sequence: next, file: file.name)
            }
            guard let bytes = try directory.read(file.name) else {
                throw AuditError(.readFailed, "audit segment \(file.name) disappeared during the scan", file: file.name)
            }
            let isLast = position == files.count - 1
            var segment = Segment(name: file.name, firstSequence: next, entryCount: 0, validByteCount: 0)
            var start = 0
            while let newline = bytes[start...].firstIndex(of: 0x0A) {
                let sequence = tree.size
                let entry: AuditEntry
                do {
                    entry = try AuditEntry.decodeCanonical(bytes[start..<newline])
                } catch {
                    throw AuditError(
                        .tampered, "audit entry \(sequence) in \(file.name) does not verify: \(error.message)",
                        sequence: sequence, file: file.name)
                }
                guard entry.sequence == sequence else {
                    throw AuditError(
                        .tampered,
                        "audit entry \(sequence) in \(file.name) is missing or out of order (found sequence \(entry.sequence))",
                        sequence: sequence, file: file.name)
                }
                if keepOffsets { offsets.append(UInt64(start)) }
                tree.append(leafHash: MerkleHasher.leafHash(Array(bytes[start..<newline])))
                lastTime = entry.time
                segment.entryCount += 1
                start = newline + 1
            }
            segment.validByteCount = UInt64(start)
            if start < bytes.count {
                guard isLast else {
                    throw AuditError(
                        .tampered, "audit segment \(file.name) ends inside entry \(tree.size) but is not the last segment",
                        sequence: tree.size, file: file.name)
                }
                tornTail = TornTail(segment: file.name, validByteCount: UInt64(start), discardedByteCount: bytes.count - start)
            }
            guard segment.entryCount > 0 || isLast else {
                throw AuditError(
                    .tampered, "audit segment \(file.name) is empty but is not the last segment", sequence: tree.size,
                    file: file.name)
            }
            segments.append(segment)
        }
    }

    private mutating func scanCheckpoints(_ directory: AuditDirectory, verifierKey: NoteVerifierKey, origin: String?)
        throws(AuditError)
    {
        var origin = origin
        var verifiedSize: UInt64 = 0
        var byName: [UInt64: String] = [:]
        for file in try directory.checkpoints() {
            let checkpoint = try check(file.name, directory, verifierKey, &origin, verifiedSize: verifiedSize)
            guard checkpoint.treeSize == file.treeSize else {
                throw AuditError(
                    .tampered, "checkpoint file \(file.name) holds tree size \(checkpoint.treeSize)", file: file.name)
            }
            byName[checkpoint.treeSize] = checkpoint.text
            verifiedSize = checkpoint.treeSize
            latestCheckpoint = checkpoint
        }
        let latestName = "\(AuditDirectory.checkpointsFolder)/\(AuditDirectory.latestName)"
        if try directory.read(latestName) != nil {
            let latest = try check(latestName, directory, verifierKey, &origin, verifiedSize: verifiedSize)
            if let numbered = byName[latest.treeSize], numbered != latest.text {
                throw AuditError(
                    .tampered, "\(latestName) differs from the checkpoint file of size \(latest.treeSize)", file: latestName)
            }
            if latestCheckpoint == nil || latest.treeSize > latestCheckpoint!.treeSize { latestCheckpoint = latest }
        }
    }

    /// Parses and verifies one checkpoint file against the key, the origin and the tree.
    private mutating func check(
        _ name: String, _ directory: AuditDirectory, _ verifierKey: NoteVerifierKey, _ origin: inout String?,
        verifiedSize: UInt64
    ) throws(AuditError) -> Checkpoint {
        guard let bytes = try directory.read(name) else {
            throw AuditError(.readFailed, "checkpoint \(name) disappeared during the scan", file: name)
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw AuditError(.tampered, "checkpoint \(name) is malformed: \(error.message)", file: name)
        }
        if let expected = origin, checkpoint.origin != expected {
            throw AuditError(.tampered, "checkpoint \(name) names origin \"\(checkpoint.origin)\", expected \"\(expected)\"", file: name)
        }
        origin = checkpoint.origin
        do {
            try checkpoint.verify(publicKey: verifierKey.publicKey, keyName: verifierKey.name)
        } catch {
            throw AuditError(.tampered, "checkpoint \(name): \(error.message)", sequence: checkpoint.treeSize, file: name)
        }
        guard checkpoint.treeSize <= tree.size else {
            throw AuditError(
                .tampered,
                "checkpoint \(name) covers \(checkpoint.treeSize) entries but only \(tree.size) exist: entries from \(tree.size) were deleted",
                sequence: tree.size, file: name)
        }
        guard try tree.rootHash(treeSize: checkpoint.treeSize) == checkpoint.rootHash else {
            let first = min(verifiedSize, checkpoint.treeSize == 0 ? 0 : checkpoint.treeSize - 1)
            throw AuditError(
                .tampered,
                "checkpoint \(name) root disagrees with entries \(first)..<\(checkpoint.treeSize): an entry in that range was altered",
                sequence: first, file: name)
        }
        checkpointsChecked += 1
        return checkpoint
    }
}
