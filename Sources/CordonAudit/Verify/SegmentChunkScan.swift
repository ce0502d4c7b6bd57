import CordonCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The verification of one run of whole lines of a segment: each line is checked for
/// canonical form (``CanonicalEntryChecker``), its sequence number must follow the line
/// before it, and its RFC 9162 leaf hash is computed. Chunks of a segment are independent,
/// so they run on every core; ``AuditScan`` then joins them in order and checks that each
/// chunk starts at the sequence number where the previous one ended.
struct SegmentChunkScan: Sendable {
    /// Why a line stopped the scan.
    enum Failure: Sendable, Equatable {
        /// The line is not a canonical entry.
        case notCanonical
        /// The line is canonical but numbered `found`, not the line before it plus one.
        case outOfOrder(found: UInt64)
    }

    /// Complete lines accepted (all lines before the first failure).
    private(set) var lineCount = 0
    /// Their leaf hashes, 32 bytes each.
    private(set) var leafHashes: [UInt8] = []
    /// Their byte offsets in the segment (kept only when asked for).
    private(set) var offsets: [UInt64] = []
    /// The sequence number of the chunk's first line, when that line is canonical.
    private(set) var firstSequence: UInt64?
    /// The first failing line (an index into the chunk) and why.
    private(set) var failure: (line: Int, reason: Failure)?
    /// The segment offset of the last accepted line.
    private(set) var lastLineStart: Int?
    /// The segment offset just past the last accepted line's `\n`.
    private(set) var endOffset: Int

    private init(start: Int) { endOffset = start }

    /// Scans the complete lines of `bytes[range]`; bytes after the last `\n` are left for
    /// the caller (a torn tail, or tampering when the segment is not the last).
    static func run(_ bytes: UnsafeRawBufferPointer, range: Range<Int>, keepOffsets: Bool) -> SegmentChunkScan {
        var scan = SegmentChunkScan(start: range.lowerBound)
        guard let base = bytes.baseAddress, !range.isEmpty else { return scan }
        let estimatedLines = range.count / 256 + 1
        scan.leafHashes.reserveCapacity(estimatedLines * MerkleHasher.hashByteCount)
        if keepOffsets { scan.offsets.reserveCapacity(estimatedLines) }
        var start = range.lowerBound
        while start < range.upperBound, let found = memchr(base + start, 0x0A, range.upperBound - start) {
            let newline = UnsafeRawPointer(found) - base
            let line = UnsafeRawBufferPointer(start: base + start, count: newline - start)
            guard let sequence = CanonicalEntryChecker.sequence(ofCanonicalLine: line) else {
                scan.failure = (scan.lineCount, .notCanonical)
                break
            }
            if let first = scan.firstSequence {
                guard sequence == first &+ UInt64(scan.lineCount) else {
                    scan.failure = (scan.lineCount, .outOfOrder(found: sequence))
                    break
                }
            } else {
                scan.firstSequence = sequence
            }
            var hasher = SHA256()
            hasher.update(byte: 0x00)
            hasher.update(line)
            scan.leafHashes.append(contentsOf: hasher.finalize())
            if keepOffsets { scan.offsets.append(UInt64(start)) }
            scan.lastLineStart = start
            scan.lineCount += 1
            start = newline + 1
        }
        scan.endOffset = start
        return scan
    }

    /// Splits `bytes` into ranges of about `targetByteCount` bytes, each ending just after a
    /// `\n` (the last one at the end of `bytes`).
    static func chunks(of bytes: UnsafeRawBufferPointer, targetByteCount: Int) -> [Range<Int>] {
        guard let base = bytes.baseAddress else { return [0..<0] }
        var ranges: [Range<Int>] = []
        var start = 0
        while bytes.count - start > targetByteCount + targetByteCount / 2 {
            let probe = start + targetByteCount
            guard let found = memchr(base + probe, 0x0A, bytes.count - probe) else { break }
            let end = UnsafeRawPointer(found) - base + 1
            ranges.append(start..<end)
            start = end
        }
        ranges.append(start..<bytes.count)
        return ranges
    }
}
