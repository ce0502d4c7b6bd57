import Dispatch
import Testing

@testable import CordonAudit

/// A caller and the leader may both ask for a pending append's encoding; it is computed
/// once and is exactly the entries' canonical lines and leaf hashes.
@Suite("PendingAppend")
struct PendingAppendTests {
    static let time = AuditTimestamp(rfc3339: "2025-01-31T09:05:03.042Z")!

    @Test func encodesTheCanonicalLinesOnceWhoeverAsksFirst() {
        let entries = (0..<3).map {
            AuditEntry(sequence: UInt64(10 + $0), time: Self.time, event: TestSupport.event($0))
        }
        let pending = PendingAppend(ticket: CommitTicket(), events: (0..<3).map { TestSupport.event($0) })
        pending.number(firstSequence: 10, time: Self.time)
        #expect(pending.entries.map { $0.canonicalBytes() } == entries.map { $0.canonicalBytes() })
        let results = ParallelMap.map(8) { _ in pending.encoded() }
        let expected: [UInt8] = entries.flatMap { $0.canonicalBytes() + [UInt8(0x0A)] }
        for result in results {
            #expect(result.bytes == expected)
            #expect(result.leafHashes == entries.map(\.leafHash))
            #expect(result.lineLengths == entries.map { $0.canonicalBytes().count + 1 })
            #expect(result.receipts.map(\.sequence) == [10, 11, 12])
            #expect(result.receipts.map(\.leafHash) == result.leafHashes)
        }
    }
}
