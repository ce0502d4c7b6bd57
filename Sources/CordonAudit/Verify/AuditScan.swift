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
    ///
    /// `blockByteCount` is how much of a segment is read and scanned at a time (tests make it
    /// small to exercise lines that straddle blocks and chunks).
    static func run(
        directory: AuditDirectory,
        verifierKey: NoteVerifierKey,
        origin: String?,
        keepOffsets: Bool,
        blockByteCount: Int = 8 << 20
    ) -> AuditScan {
        var scan = AuditScan()
        do {
            try scan.scanSegments(directory, keepOffsets: keepOffsets, blockByteCount: blockByteCount)
            try scan.scanCheckpoints(directory, verifierKey: verifierKey, origin: origin)
        } catch {
            scan.problem = error
        }
        return scan
    }

    /// What ``scanSegments(_:keepOffsets:blockByteCount:)`` carries from segment to segment.
    private struct Progress {
        /// The leaf hashes of the entries verified so far, concatenated.
        var leafHashes: [UInt8] = []
        /// The last complete line seen, and its segment.
        var lastLine: (segment: String, bytes: [UInt8])?

        /// The sequence number the next entry must have.
        var nextSequence: UInt64 { UInt64(leafHashes.count / MerkleHasher.hashByteCount) }
    }

    /// Checks every segment and builds the tree from the leaf hashes of the entries that
    /// verified (all of them, or those before the first problem, which is then thrown).
    ///
    /// Segments are read in blocks of `blockByteCount` bytes of whole lines; each block is
    /// cut into chunks scanned on every core (``SegmentChunkScan``) and joined in order.
    private mutating func scanSegments(
        _ directory: AuditDirectory,
        keepOffsets: Bool,
        blockByteCount: Int
    )
        throws(AuditError)
    {
        var progress = Progress()
        defer { tree = MerkleTree(leafHashes: progress.leafHashes) }
        let files = try directory.segments()
        for (position, file) in files.enumerated() {
            let next = progress.nextSequence
            guard file.firstSequence == next else {
                throw AuditError(
                    .tampered,
                    "audit segment \(file.name) starts at sequence \(file.firstSequence), expected \(next): entries are missing or reordered",
                    sequence: next,
                    file: file.name
                )
            }
            guard
                let reader = try SegmentReader(
                    path: directory.path(of: file.name),
                    name: file.name,
                    blockByteCount: blockByteCount
                )
            else {
                throw AuditError(.readFailed, "audit segment \(file.name) disappeared during the scan", file: file.name)
            }
            var segment = Segment(name: file.name, firstSequence: next, entryCount: 0, validByteCount: 0)
            while let block = try reader.nextBlock() {
                try scan(block, of: &segment, keepOffsets: keepOffsets, progress: &progress)
            }
            try finish(segment, trailingByteCount: reader.trailingByteCount, isLast: position == files.count - 1)
            segments.append(segment)
        }
        if let lastLine = progress.lastLine {
            do {
                lastTime = try AuditEntry.decodeCanonical(lastLine.bytes).time
            } catch {
                let sequence = progress.nextSequence - 1
                throw AuditError(
                    .tampered,
                    "audit entry \(sequence) in \(lastLine.segment) does not verify: \(error.message)",
                    sequence: sequence,
                    file: lastLine.segment
                )
            }
        }
    }

    /// Checks one block of whole lines, cut into chunks scanned in parallel and joined in
    /// order, and adds its entries to `segment` and `progress`.
    private mutating func scan(
        _ block: SegmentReader.Block,
        of segment: inout Segment,
        keepOffsets: Bool,
        progress: inout Progress
    ) throws(AuditError) {
        let chunksPerBlock = 4
        let bytes = block.bytes
        let chunks = bytes.withUnsafeBytes {
            SegmentChunkScan.chunks(
                of: UnsafeRawBufferPointer(rebasing: $0[..<block.lineByteCount]),
                targetByteCount: max(1, block.lineByteCount / chunksPerBlock)
            )
        }
        let scans = ParallelMap.map(chunks.count, parallel: block.lineByteCount >= 256 << 10) { index in
            bytes.withUnsafeBytes { SegmentChunkScan.run($0, range: chunks[index], keepOffsets: keepOffsets) }
        }
        for chunk in scans {
            let expected = progress.nextSequence
            if let first = chunk.firstSequence, first != expected {
                throw AuditError(
                    .tampered,
                    "audit entry \(expected) in \(segment.name) is missing or out of order (found sequence \(first))",
                    sequence: expected,
                    file: segment.name
                )
            }
            progress.leafHashes += chunk.leafHashes
            if keepOffsets { offsets += chunk.offsets.lazy.map { $0 + block.offset } }
            segment.entryCount += UInt64(chunk.lineCount)
            if let start = chunk.lastLineStart {
                progress.lastLine = (segment.name, Array(bytes[start..<chunk.endOffset - 1]))
            }
            if let (line, reason) = chunk.failure {
                throw Self.problem(
                    reason,
                    lineAt: chunk.endOffset,
                    in: bytes,
                    file: segment.name,
                    sequence: expected + UInt64(line)
                )
            }
        }
        segment.validByteCount = block.offset + UInt64(block.lineByteCount)
    }

    /// Checks how a segment ends: only the last may end inside an entry (a torn tail,
    /// recorded) or hold no entry.
    private mutating func finish(_ segment: Segment, trailingByteCount: Int, isLast: Bool) throws(AuditError) {
        if trailingByteCount > 0 {
            guard isLast else {
                throw AuditError(
                    .tampered,
                    "audit segment \(segment.name) ends inside entry \(segment.firstSequence + segment.entryCount) but is not the last segment",
                    sequence: segment.firstSequence + segment.entryCount,
                    file: segment.name
                )
            }
            tornTail = TornTail(
                segment: segment.name,
                validByteCount: segment.validByteCount,
                discardedByteCount: trailingByteCount
            )
        }
        guard segment.entryCount > 0 || isLast else {
            throw AuditError(
                .tampered,
                "audit segment \(segment.name) is empty but is not the last segment",
                sequence: segment.firstSequence,
                file: segment.name
            )
        }
    }

    /// The error for a line a chunk rejected, which starts at `bytes[start]`; the strict
    /// decoder, run on that one line, says what is wrong with it.
    private static func problem(
        _ reason: SegmentChunkScan.Failure,
        lineAt start: Int,
        in bytes: [UInt8],
        file: String,
        sequence: UInt64
    ) -> AuditError {
        switch reason {
        case .outOfOrder(let found):
            return AuditError(
                .tampered,
                "audit entry \(sequence) in \(file) is missing or out of order (found sequence \(found))",
                sequence: sequence,
                file: file
            )
        case .notCanonical:
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let detail: String
            do {
                _ = try AuditEntry.decodeCanonical(bytes[start..<end])
                detail = "not in canonical form"
            } catch {
                detail = error.message
            }
            return AuditError(
                .tampered,
                "audit entry \(sequence) in \(file) does not verify: \(detail)",
                sequence: sequence,
                file: file
            )
        }
    }

    private mutating func scanCheckpoints(
        _ directory: AuditDirectory,
        verifierKey: NoteVerifierKey,
        origin: String?
    )
        throws(AuditError)
    {
        var origin = origin
        var verifiedSize: UInt64 = 0
        var byName: [UInt64: String] = [:]
        for file in try directory.checkpoints() {
            let checkpoint = try check(file.name, directory, verifierKey, &origin, verifiedSize: verifiedSize)
            guard checkpoint.treeSize == file.treeSize else {
                throw AuditError(
                    .tampered,
                    "checkpoint file \(file.name) holds tree size \(checkpoint.treeSize)",
                    file: file.name
                )
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
                    .tampered,
                    "\(latestName) differs from the checkpoint file of size \(latest.treeSize)",
                    file: latestName
                )
            }
            if latestCheckpoint == nil || latest.treeSize > latestCheckpoint!.treeSize { latestCheckpoint = latest }
        }
    }

    /// Parses and verifies one checkpoint file against the key, the origin and the tree.
    private mutating func check(
        _ name: String,
        _ directory: AuditDirectory,
        _ verifierKey: NoteVerifierKey,
        _ origin: inout String?,
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
            throw AuditError(
                .tampered,
                "checkpoint \(name) names origin \"\(checkpoint.origin)\", expected \"\(expected)\"",
                file: name
            )
        }
        origin = checkpoint.origin
        do {
            try checkpoint.verify(publicKey: verifierKey.publicKey, keyName: verifierKey.name)
        } catch {
            throw AuditError(
                .tampered,
                "checkpoint \(name): \(error.message)",
                sequence: checkpoint.treeSize,
                file: name
            )
        }
        guard checkpoint.treeSize <= tree.size else {
            throw AuditError(
                .tampered,
                "checkpoint \(name) covers \(checkpoint.treeSize) entries but only \(tree.size) exist: entries from \(tree.size) were deleted",
                sequence: tree.size,
                file: name
            )
        }
        guard try tree.rootHash(treeSize: checkpoint.treeSize) == checkpoint.rootHash else {
            let first = min(verifiedSize, checkpoint.treeSize == 0 ? 0 : checkpoint.treeSize - 1)
            throw AuditError(
                .tampered,
                "checkpoint \(name) root disagrees with entries \(first)..<\(checkpoint.treeSize): an entry in that range was altered",
                sequence: first,
                file: name
            )
        }
        checkpointsChecked += 1
        return checkpoint
    }
}
