import CordonCrypto
import Foundation
import Testing

@testable import CordonAudit

/// The scan reads segments in blocks cut into chunks; with small blocks every entry
/// boundary case (a line straddling blocks, a chunk starting mid-segment, a line longer
/// than the buffer) is exercised, and the findings match the line-by-line definition.
@Suite("AuditScan")
struct AuditScanTests {
    /// A closed log of `count` entries over segments of 70, with a few long lines.
    static func makeLog(count: Int = 200) throws -> (URL, AuditLog) {
        let directory = TestSupport.temporaryDirectory()
        var configuration = TestSupport.configuration(checkpointEvery: 50)
        configuration.segmentMaxEntries = 70
        let log = try TestSupport.open(directory, configuration)
        for start in stride(from: 0, to: count, by: 10) {  // segments roll at batch boundaries: 70, 140
            _ = try log.appendBatch(
                (start..<min(count, start + 10)).map { i in
                    var event = TestSupport.event(i)
                    if i % 37 == 5 { event.query = String(repeating: "SELECT é; ", count: 900) }  // ~10 KB
                    return event
                }
            )
        }
        try log.close()
        return (directory, log)
    }

    static func scan(_ directory: URL, _ log: AuditLog, blockByteCount: Int) -> AuditScan {
        AuditScan.run(
            directory: AuditDirectory(directory),
            verifierKey: log.verifierKey,
            origin: nil,
            keepOffsets: true,
            blockByteCount: blockByteCount
        )
    }

    @Test(arguments: [4096, 5000, 8 << 20])
    func smallBlocksFindTheSameTreeAndOffsets(_ blockByteCount: Int) throws {
        let (directory, log) = try Self.makeLog()
        let scan = Self.scan(directory, log, blockByteCount: blockByteCount)
        #expect(scan.problem == nil, "\(String(describing: scan.problem))")
        #expect(scan.tree.size == 200 && scan.tree.rootHash == log.rootHash)
        #expect(scan.segments.map(\.entryCount) == [70, 70, 60])
        // Periodic checkpoints are asynchronous and coalesce under load; the closing one
        // always exists, and at least one periodic one at 50 entries of 200.
        #expect(scan.checkpointsChecked >= 2)
        #expect(scan.lastTime == (try log.entry(at: 199)).time)
        // Offsets locate every line: each read-back entry hashes to its leaf.
        let reference = Self.scan(directory, log, blockByteCount: 8 << 20)
        #expect(scan.offsets == reference.offsets)
        #expect(try TestSupport.open(directory).entries(in: 0..<200).map(\.sequence) == Array(0..<200))
    }

    @Test(arguments: [0, 1, 15, 16, 17, 69, 70, 71, 150, 199])
    func aBrokenLineIsFoundAtItsSequenceWhateverTheBlock(_ k: Int) throws {
        let (directory, log) = try Self.makeLog()
        let segment = directory.appending(path: "segments/\(AuditDirectory.padded(UInt64(k / 70 * 70))).ndjson")
        var lines = try TestSupport.lines(segment)
        let index = lines[k % 70].range(of: Data("\"role\"".utf8))!.lowerBound + 1
        lines[k % 70][index] ^= 0x20
        try TestSupport.write(lines: lines, to: segment)
        for blockByteCount in [4096, 8 << 20] {
            let scan = Self.scan(directory, log, blockByteCount: blockByteCount)
            #expect(
                scan.problem?.code == .tampered && scan.problem?.sequence == UInt64(k),
                "\(String(describing: scan.problem))"
            )
            #expect(
                scan.problem?.message.contains("unknown field \"Role\"") == true,
                "\(String(describing: scan.problem))"
            )
            #expect(scan.tree.size == UInt64(k), "the tree holds the entries before the problem")
        }
    }

    @Test(arguments: [3, 16, 40, 69])
    func swappedLinesAreFoundAtTheFirstWhateverTheBlock(_ k: Int) throws {
        let (directory, log) = try Self.makeLog()
        let segment = TestSupport.firstSegment(directory)
        var lines = try TestSupport.lines(segment)
        lines.swapAt(k, k == 69 ? 68 : k + 1)
        try TestSupport.write(lines: lines, to: segment)
        for blockByteCount in [4096, 8 << 20] {
            let scan = Self.scan(directory, log, blockByteCount: blockByteCount)
            #expect(scan.problem?.sequence == UInt64(k == 69 ? 68 : k), "\(String(describing: scan.problem))")
            #expect(scan.problem?.message.contains("out of order") == true)
        }
    }

    @Test func aTornTailIsMeasuredAcrossBlocks() throws {
        let (directory, log) = try Self.makeLog()
        let segment = directory.appending(path: "segments/0000000140.ndjson")
        let original = try Data(contentsOf: segment)
        try (original + Data("{\"action\":\"subj".utf8) + Data(repeating: 0, count: 5000)).write(to: segment)
        for blockByteCount in [4096, 8 << 20] {
            let scan = Self.scan(directory, log, blockByteCount: blockByteCount)
            #expect(scan.problem == nil)
            #expect(scan.tornTail?.validByteCount == UInt64(original.count))
            #expect(scan.tornTail?.discardedByteCount == 5015)
        }
    }

    @Test(arguments: [0, 1, 2, 3, 5, 31, 32, 33, 64, 100, 70_001])
    func theBulkTreeEqualsTheIncrementalTree(_ size: Int) throws {
        var incremental = MerkleTree()
        var leaves: [UInt8] = []
        for i in 0..<size {
            let leaf = MerkleHasher.leafHash(Array("leaf \(i)".utf8))
            incremental.append(leafHash: leaf)
            leaves += leaf
        }
        var bulk = MerkleTree(leafHashes: leaves)
        #expect(bulk.size == UInt64(size) && bulk.rootHash == incremental.rootHash)
        for probe in [1, size / 3, size - 1] where probe >= 1 && probe <= size {
            #expect(try bulk.rootHash(treeSize: UInt64(probe)) == incremental.rootHash(treeSize: UInt64(probe)))
            #expect(
                try bulk.inclusionProof(index: UInt64(probe - 1), treeSize: UInt64(size))
                    == incremental.inclusionProof(index: UInt64(probe - 1), treeSize: UInt64(size))
            )
        }
        // Appending after a bulk build continues the same tree.
        for i in 0..<5 {
            let leaf = MerkleHasher.leafHash(Array("more \(i)".utf8))
            bulk.append(leafHash: leaf)
            incremental.append(leafHash: leaf)
        }
        #expect(bulk.rootHash == incremental.rootHash)
    }
}
