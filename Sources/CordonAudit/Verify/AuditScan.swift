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
        var leafHashes: [UInt8] = []
        var lastLine: (segment: String, bytes: [UInt8])?
        defer { tree = MerkleTree(leafHashes: leafHashes) }
        let files = try directory.segments()
        for (position, file) in files.enumerated() {
            let next = UInt64(leafHashes.count / MerkleHasher.hashByteCount)
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
                try scan(
                    block,
                    of: file.name,
                    keepOffsets: keepOffsets,
                    leafHashes: &leafHashes,
                    segment: &segment,
                    lastLine: &lastLine
                )
                segment.validByteCount = block.offset + UInt64(block.lineByteCount)
            }
            let isLast = position == files.count - 1
            if reader.trailingByteCount > 0 {
                guard isLast else {
                    throw AuditError(
                        .tampered,
                        "audit segment \(file.name) ends inside entry \(segment.firstSequence + segment.entryCount) but is not the last segment",
                        sequence: segment.firstSequence + segment.entryCount,
                        file: file.name
                    )
                }
                tornTail = TornTail(
                    segment: file.name,
                    validByteCount: segment.validByteCount,
                    discardedByteCount: reader.trailingByteCount
                )
            }
            guard segment.entryCount > 0 || isLast else {
                throw AuditError(
                    .tampered,
                    "audit segment \(file.name) is empty but is not the last segment",
                    sequence: next,
                    file: file.name
                )
            }
            segments.append(segment)
        }
        if let lastLine {
            try readLastTime(lastLine, entryCount: UInt64(leafHashes.count / MerkleHasher.hashByteCount))
        }
    }

    /// The time of the newest entry, from the last line scanned (of `entryCount` entries).
    private mutating func readLastTime(
        _ lastLine: (segment: String, bytes: [UInt8]),
        entryCount: UInt64
    ) throws(AuditError) {
        do {
            lastTime = try AuditEntry.decodeCanonical(lastLine.bytes).time
        } catch {
            let sequence = entryCount - 1
            throw AuditError(
                .tampered,
                "audit entry \(sequence) in \(lastLine.segment) does not verify: \(error.message)",
                sequence: sequence,
                file: lastLine.segment
            )
        }
    }

    /// Scans one block's chunks on every core and joins them in order: their leaf hashes,
    /// offsets and line counts, or the first problem, which is thrown.
    private mutating func scan(
        _ block: SegmentReader.Block,
        of name: String,
        keepOffsets: Bool,
        leafHashes: inout [UInt8],
        segment: inout Segment,
        lastLine: inout (segment: String, bytes: [UInt8])?
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
            let expected = UInt64(leafHashes.count / MerkleHasher.hashByteCount)
            if let first = chunk.firstSequence, first != expected {
                throw AuditError(
                    .tampered,
                    "audit entry \(expected) in \(name) is missing or out of order (found sequence \(first))",
                    sequence: expected,
                    file: name
                )
            }
            leafHashes += chunk.leafHashes
            if keepOffsets { offsets += chunk.offsets.lazy.map { $0 + block.offset } }
            segment.entryCount += UInt64(chunk.lineCount)
            if let start = chunk.lastLineStart {
                lastLine = (name, Array(bytes[start..<chunk.endOffset - 1]))
            }
            if let (line, reason) = chunk.failure {
                throw Self.problem(
                    reason,
                    lineAt: chunk.endOffset,
                    in: bytes,
                    file: name,
                    sequence: expected + UInt64(line)
                )
            }
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
