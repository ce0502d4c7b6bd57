import Foundation
import Synchronization
import Testing

@testable import CordonAudit

/// Readers that need a checkpoint share one instead of each signing and syncing its own.
@Suite("Checkpoint sharing")
struct CheckpointSharingTests {
    /// Checkpoints stored, counted by the log's `onCheckpoint` hook.
    final class Counter: Sendable {
        let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .relaxed) }
    }

    /// A log without the timer that counts the checkpoints it stores.
    static func open(_ stored: Counter) throws -> AuditLog {
        var configuration = TestSupport.configuration(checkpointEvery: 100_000)
        configuration.onCheckpoint = { _ in stored.count.add(1, ordering: .relaxed) }
        return try TestSupport.open(TestSupport.temporaryDirectory(), configuration)
    }

    @Test func aRecentCheckpointIsServedAgainWhileEntriesArrive() throws {
        let stored = Counter()
        let log = try Self.open(stored)
        for i in 0..<3 { _ = try log.append(TestSupport.event(i)) }
        let first = try log.checkpoint()
        #expect(first.treeSize == 3)
        _ = try log.append(TestSupport.event(3))
        let again = try log.recentCheckpoint(maximumAge: .seconds(3600))
        #expect(again.text == first.text)
        #expect(stored.value == 1)
        try log.close()
    }

    @Test func aCheckpointOlderThanTheLimitIsReplacedByOneOfTheWholeTree() throws {
        let stored = Counter()
        let log = try Self.open(stored)
        _ = try log.append(TestSupport.event(0))
        _ = try log.checkpoint()
        _ = try log.append(TestSupport.event(1))
        let fresh = try log.recentCheckpoint(maximumAge: .zero)
        #expect(fresh.treeSize == 2)
        #expect(fresh.rootHash == log.rootHash)
        #expect(stored.value == 2)
        // Nothing new since: the same checkpoint, however small the limit.
        #expect(try log.recentCheckpoint(maximumAge: .zero).text == fresh.text)
        #expect(stored.value == 2)
        try log.close()
    }

    @Test func aCheckpointFoundOnOpenIsNotServedForALargerTree() throws {
        let directory = TestSupport.temporaryDirectory()
        let first = try TestSupport.open(directory)
        _ = try first.append(TestSupport.event(0))
        try first.close()  // signs a checkpoint of size 1
        let log = try TestSupport.open(directory)
        _ = try log.append(TestSupport.event(1))
        // Its age is unknown (another process stored it), so it is not "recent".
        #expect(try log.recentCheckpoint(maximumAge: .seconds(3600)).treeSize == 2)
        try log.close()
    }

    @Test func concurrentCallersShareTheCheckpointThatCoversThem() throws {
        let stored = Counter()
        let log = try Self.open(stored)
        for i in 0..<10 { _ = try log.append(TestSupport.event(i)) }
        let sizes = ParallelMap.map(16) { _ in (try? log.checkpoint())?.treeSize ?? 0 }
        #expect(sizes.allSatisfy { $0 == 10 })
        #expect(stored.value == 1)
        try log.close()
    }
}
