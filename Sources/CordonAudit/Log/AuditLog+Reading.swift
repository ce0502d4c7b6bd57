import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension AuditLog {
    /// The number of durable entries.
    public var treeSize: UInt64 { committed.withLock { $0.tree.size } }

    /// The RFC 9162 root over all durable entries.
    public var rootHash: [UInt8] { committed.withLock { $0.tree.rootHash } }

    /// The root at an earlier (or the current) size.
    public func rootHash(treeSize: UInt64) throws(AuditError) -> [UInt8] {
        try committed.withLock { (log: inout CommittedLog) throws(AuditError) in
            try log.tree.rootHash(treeSize: treeSize)
        }
    }

    /// The entry at `sequence`.
    public func entry(at sequence: UInt64) throws(AuditError) -> AuditEntry {
        try entries(in: sequence..<sequence + 1)[0]
    }

    /// The entries in `range`, read back from disk and checked against their leaf hashes
    /// (so an edit made after ``open(directory:signingKey:origin:configuration:)`` is caught).
    public func entries(in range: Range<UInt64>) throws(AuditError) -> [AuditEntry] {
        try entries(in: range, containing: nil)
    }

    /// The entries in `range` whose canonical line contains `text` (for example a detail key
    /// such as `"store.eu.commit"`, quotes included). Lines without it are skipped before
    /// hashing and decoding.
    public func entries(in range: Range<UInt64>, containing text: String) throws(AuditError) -> [AuditEntry] {
        try entries(in: range, containing: Array(text.utf8))
    }

    /// The entries in `range` whose line contains `needle` (all when `nil`). Lines without
    /// it are skipped before hashing and decoding: a search for one subject's pseudonym
    /// touches only that subject's entries.
    func entries(in range: Range<UInt64>, containing needle: [UInt8]?) throws(AuditError) -> [AuditEntry] {
        let snapshot = committed.withLock { log in
            range.upperBound <= log.tree.size
                ? range.map { (log.location(of: $0), log.tree.leafHash(at: $0)) } : nil
        }
        guard let snapshot else {
            throw AuditError(.notFound, "entries \(range) are not all in the log (size \(treeSize))")
        }
        var result: [AuditEntry] = []
        result.reserveCapacity(snapshot.count)
        var index = 0
        while index < snapshot.count {
            // One read per segment: from the first wanted entry to the last one in it.
            let segment = snapshot[index].0.segment
            var last = index
            while last + 1 < snapshot.count, snapshot[last + 1].0.segment == segment { last += 1 }
            let start = snapshot[index].0.range.lowerBound
            let bytes = try directory.read(segment, range: start..<snapshot[last].0.range.upperBound)
            for position in index...last {
                let sequence = range.lowerBound + UInt64(position)
                let lineRange = snapshot[position].0.range
                let line = bytes[Int(lineRange.lowerBound - start)..<Int(lineRange.upperBound - start)]
                if let needle, !Self.contains(line, needle) { continue }
                guard MerkleHasher.leafHash(Array(line)) == snapshot[position].1 else {
                    throw AuditError(
                        .tampered,
                        "audit entry \(sequence) in \(segment) changed on disk since it was written",
                        sequence: sequence,
                        file: segment
                    )
                }
                do {
                    result.append(try AuditEntry.decodeCanonical(line))
                } catch {
                    throw AuditError(
                        .tampered,
                        "audit entry \(sequence) in \(segment): \(error.message)",
                        sequence: sequence,
                        file: segment
                    )
                }
            }
            index = last + 1
        }
        return result
    }

    /// The entries matching `query`, oldest first, at most `query.limit`.
    public func search(_ query: AuditQuery) throws(AuditError) -> [AuditEntry] {
        let size = treeSize
        var found: [AuditEntry] = []
        var start: UInt64 = query.after.map { $0 < size ? $0 + 1 : size } ?? 0
        // A pseudonym is hex, so its canonical JSON form is exactly `"p-…"`: lines without
        // it cannot match and are skipped unread.
        let needle = query.subject.map { Array("\"\($0)\"".utf8) }
        // Read in chunks that start near the limit and double up to 4096 entries: a first
        // page of a broad search decodes about what it returns, not 4096 entries (which
        // made `GET /v1/audit/entries?limit=20` cost 100 ms), and a narrow one still
        // reads the log in large chunks.
        var chunk = UInt64(max(1, min(4096, query.limit)))
        while start < size, found.count < query.limit {
            let end = min(size, start + chunk)
            chunk = min(4096, chunk * 2)
            for entry in try entries(in: start..<end, containing: needle) where query.matches(entry) {
                found.append(entry)
                if found.count == query.limit { break }
            }
            start = end
        }
        return found
    }

    /// The inclusion proof of entry `index` in the tree of `treeSize` entries (the current
    /// size when `nil`), with the stored checkpoint at that size when there is one.
    public func inclusionProof(index: UInt64, treeSize: UInt64? = nil) throws(AuditError) -> AuditInclusionProof {
        let (size, leaf, path) = try committed.withLock {
            (log: inout CommittedLog) throws(AuditError) -> (UInt64, [UInt8], [[UInt8]]) in
            let size = treeSize ?? log.tree.size
            let path = try log.tree.inclusionProof(index: index, treeSize: size)
            return (size, log.tree.leafHash(at: index), path)
        }
        return AuditInclusionProof(
            index: index,
            treeSize: size,
            leafHash: leaf,
            proof: path,
            checkpoint: storedCheckpoint(size)
        )
    }

    /// The consistency proof between two tree sizes, with the stored checkpoints at those sizes.
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) throws(AuditError) -> AuditConsistencyProof {
        let path = try committed.withLock { (log: inout CommittedLog) throws(AuditError) in
            try log.tree.consistencyProof(from: oldSize, to: newSize)
        }
        return AuditConsistencyProof(
            oldSize: oldSize,
            newSize: newSize,
            proof: path,
            oldCheckpoint: storedCheckpoint(oldSize),
            newCheckpoint: storedCheckpoint(newSize)
        )
    }

    /// Whether `haystack` contains `needle`: memchr for the first byte, then memcmp
    /// (glibc's memmem is a GNU extension Swift does not import).
    static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                guard let base = hay.baseAddress else { return false }
                var offset = 0
                let last = hay.count - pin.count
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
                    let position = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + position, pin.baseAddress!, pin.count) == 0 { return true }
                    offset = position + 1
                }
                return false
            }
        }
    }

    /// The text of `checkpoints/<size>`, when it exists.
    private func storedCheckpoint(_ size: UInt64) -> String? {
        (try? directory.read(AuditDirectory.checkpointName(treeSize: size))).flatMap { $0 }.map {
            String(decoding: $0, as: UTF8.self)
        }
    }
}
