import CordonStore
import CordonTestSupport
import Foundation
import Synchronization
import Testing

@testable import CordonCore

/// A region store reads from snapshot readers beside its writer (decision 0017): the
/// lawful-population cache stays exact across snapshots, and maintenance that replaces
/// the file waits for reads in progress. Waits have a generous limit only so a broken
/// pool fails instead of hanging; nothing asserts how long anything takes.
@Suite struct RegionStorePoolTests {
    /// Well after the fixture's consents (2025-03-01), before any expiry.
    static let now: Int64 = 1_749_945_600

    private static func lawful(_ store: RegionStore, in db: Connection) throws -> LawfulSubjects {
        try store.lawfulSubjects(for: .analytics, now: Self.now, profileCutoff: nil, in: db)
    }

    /// A reader that took its snapshot before a consent withdrawal keeps deciding on that
    /// snapshot, while every read after the withdrawal sees it — and the older reader's
    /// decisions never replace the newer ones in the cache.
    @Test func thePopulationCacheFollowsAConsentChangeWhileAnOlderSnapshotIsOpen() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([
            VaultFixture.subject(
                "c-1",
                country: "DE",
                consents: [("analytics", "granted"), ("order_fulfillment", "granted")]
            )
        ])
        let store = try fixture.vault.store("eu")
        let sid = try #require(try store.read { try $0.scalar(Int64.self, "SELECT sid FROM subjects") })
        #expect(try store.read { try Self.lawful(store, in: $0).contains(sid) })

        let snapshotTaken = DispatchSemaphore(value: 0)
        let withdrawn = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let olderSnapshot = Mutex<[Bool]>([])
        Thread {
            _ = try? store.read { db in
                olderSnapshot.withLock { $0.append((try? Self.lawful(store, in: db).contains(sid)) ?? false) }
                snapshotTaken.signal()
                _ = withdrawn.wait(timeout: .now() + 30)
                olderSnapshot.withLock { $0.append((try? Self.lawful(store, in: db).contains(sid)) ?? false) }
            }
            finished.signal()
        }.start()
        #expect(snapshotTaken.wait(timeout: .now() + 30) == .success)
        try fixture.ingestSubjects([
            VaultFixture.subject(
                "c-1",
                country: "DE",
                consents: [("analytics", "withdrawn")],
                recordedAt: "2025-04-01T10:00:00Z"
            )
        ])
        #expect(
            try store.read { try !Self.lawful(store, in: $0).contains(sid) },
            "the cache is stale after a withdrawal"
        )
        withdrawn.signal()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(olderSnapshot.withLock { $0 } == [true, true], "the older snapshot decided on newer data")
        #expect(
            try store.read { try !Self.lawful(store, in: $0).contains(sid) },
            "an older snapshot replaced the cache"
        )
    }

    /// Analysts' scans holding every reader of a region do not hold up ingest into it:
    /// ingest finds its subjects on the writer (found by `bench-concurrency.sh`, where
    /// four analysts' GROUP BYs starved the look-ups of an ingest).
    @Test func ingestGoesOnWhileAnalystsHoldEveryReader() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("i-1", country: "DE")])
        let store = try fixture.vault.store("eu")
        let readers = store.pool.maximumReaderCount
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<readers {
            Thread {
                _ = try? store.read { db in
                    _ = try db.scalar(Int.self, "SELECT count(*) FROM events")
                    holding.signal()
                    _ = release.wait(timeout: .now() + 30)
                }
                finished.signal()
            }.start()
        }
        for _ in 0..<readers { #expect(holding.wait(timeout: .now() + 30) == .success) }
        let ingested = DispatchSemaphore(value: 0)
        let accepted = Mutex<Int?>(nil)
        let vault = try #require(fixture.vault)
        let context = fixture.context
        let line = VaultFixture.event("i-1")
        Thread {
            let summary = try? vault.ingestEvents(from: LineReader(bytes: Array(line.utf8)), context: context)
            accepted.withLock { $0 = summary?.accepted }
            ingested.signal()
        }.start()
        #expect(ingested.wait(timeout: .now() + 30) == .success)
        #expect(accepted.withLock { $0 } == 1)
        for _ in 0..<readers { release.signal() }
        for _ in 0..<readers { #expect(finished.wait(timeout: .now() + 30) == .success) }
    }

    /// An analyst's read in progress finishes under the old key; the rotation waits for it,
    /// then reads go to the re-encrypted store. The old store refuses as closed, which does
    /// not take the region out of service.
    @Test func rotatingThePageKeyWaitsForAReadInProgress() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects((0..<20).map { VaultFixture.subject("k-\($0)", country: "DE") })
        let vault = try #require(fixture.vault)
        let context = fixture.context
        let old = try vault.store("eu")
        let reading = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let order = Mutex<[String]>([])
        Thread {
            _ = try? old.read { db in
                reading.signal()
                _ = release.wait(timeout: .now() + 30)
                // Recorded inside the read: the maintenance may go on as soon as it returns.
                let count = try db.scalar(Int.self, "SELECT count(*) FROM subjects") ?? -1
                order.withLock { $0.append("read \(count)") }
            }
            finished.signal()
        }.start()
        #expect(reading.wait(timeout: .now() + 30) == .success)
        Thread {
            let rotated = (try? vault.rotatePageKey("eu", context: context)) != nil
            order.withLock { $0.append("rotated \(rotated)") }
            finished.signal()
        }.start()
        // The rotation has taken the store out of the vault's table: it is closing now.
        var polls = 0
        while vault.stores.withLock({ $0["eu"] === old }), polls < 30_000 {
            Thread.sleep(forTimeInterval: 0.001)
            polls += 1
        }
        release.signal()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(order.withLock { $0 } == ["read 20", "rotated true"])

        let closed = try #require(throws: VaultError.self) { try old.read { _ in 0 } }
        #expect(closed.code == .storageUnavailable)
        #expect(vault.unavailableStores.withLock { $0["eu"] } == nil)
        let renewed = try vault.store("eu")
        #expect(renewed !== old)
        #expect(try renewed.read { try $0.scalar(Int.self, "SELECT count(*) FROM subjects") } == 20)
        #expect(try fixture.id(of: "k-3") != nil)
    }

    /// A restore replaces the file only once the reads of the old store have ended.
    @Test func aRestoreWaitsForAReadInProgress() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("r-1", country: "DK")])
        try fixture.vault.close()
        fixture.vault = nil
        let regions = fixture.directory.url.appendingPathComponent("regions")
        let backup = fixture.directory.url.appendingPathComponent("eu-backup.db")
        try FileManager.default.copyItem(at: regions.appendingPathComponent("eu.db"), to: backup)
        try fixture.reopen()
        try fixture.ingestSubjects([VaultFixture.subject("r-2", country: "DK")])
        let vault = try #require(fixture.vault)
        let context = fixture.context
        let old = try vault.store("eu")
        let reading = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let order = Mutex<[String]>([])
        Thread {
            _ = try? old.read { db in
                reading.signal()
                _ = release.wait(timeout: .now() + 30)
                // Recorded inside the read: the maintenance may go on as soon as it returns.
                let count = try db.scalar(Int.self, "SELECT count(*) FROM subjects") ?? -1
                order.withLock { $0.append("read \(count)") }
            }
            finished.signal()
        }.start()
        #expect(reading.wait(timeout: .now() + 30) == .success)
        Thread {
            let restored = (try? vault.restore("eu", from: backup, context: context)) != nil
            order.withLock { $0.append("restored \(restored)") }
            finished.signal()
        }.start()
        var polls = 0
        while vault.stores.withLock({ $0["eu"] === old }), polls < 30_000 {
            Thread.sleep(forTimeInterval: 0.001)
            polls += 1
        }
        release.signal()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(order.withLock { $0 } == ["read 2", "restored true"])
        #expect(try fixture.id(of: "r-1") != nil)
        #expect(try fixture.id(of: "r-2") == nil, "the backup predates r-2")
    }
}
