import CordonAudit
import CordonStore
import Foundation
import Testing

@testable import CordonCore

/// A crash or a failed COMMIT leaves the trail saying more than the store holds; the vault
/// must say so in the trail and carry on, never lock the store.
@Suite("Anchors: recovery after a crash or a failed COMMIT", .serialized)
struct AnchorRecoveryTests {
    /// Appends the entry a write appends before its COMMIT, for a write that then never
    /// commits: exactly what a process killed between the two leaves behind.
    static func appendUncommittedWrite(_ fixture: VaultFixture, region: RegionID) throws -> UInt64 {
        let state = try fixture.vault.store(region).anchor()
        return try fixture.vault.record(
            fixture.context,
            AuditRecord(
                action: "ingest.events",
                regions: [region],
                details: AnchoredStore.region(region).details(StoreAnchor(counter: state.counter + 1, batch: 4242))
            )
        ).sequence
    }

    @Test func aWriteThatNeverCommittedIsRecoveredWhateverCameAfter() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([
            VaultFixture.subject("c-1", country: "DE"), VaultFixture.subject("c-2", country: "US"),
        ])
        let before = try fixture.vault.store("eu").anchor()
        let lost = try Self.appendUncommittedWrite(fixture, region: "eu")
        // What came after in the real cases: a store check, a refused request, traffic on
        // another region. Each used to leave eu as store_rolled_back for ever.
        _ = try fixture.vault.verifyStores(["us"], context: fixture.context)
        try fixture.vault.recordAccess(fixture.context, action: "http.request", outcome: .denied, reason: "forbidden")
        try fixture.ingestEvents([VaultFixture.event("c-2")])
        fixture.crash()

        fixture.vault = try fixture.open()
        #expect(try fixture.vault.store("eu").anchor() == before)
        let recovered = try fixture.entries().filter { $0.action == "store.recovered" }
        #expect(recovered.count == 1)
        #expect(recovered.first?.details["resolves"] == .integer(Int64(lost)))
        #expect(recovered.first?.details["store.eu.commit"] == .integer(before.counter))
        #expect(recovered.first?.details["store.eu.batch"] == .integer(before.batch))
        #expect(recovered.first?.reason?.contains("did not commit") == true)
        #expect(fixture.vault.warnings.contains { $0.contains("did not commit") })

        // The store serves and takes writes; the next open has nothing to recover.
        try fixture.ingestEvents([VaultFixture.event("c-1")])
        try fixture.reopen()
        #expect(try fixture.entries().filter { $0.action == "store.recovered" }.count == 1)
        #expect(try fixture.vault.store("eu").anchor().counter == before.counter + 1)
    }

    @Test func controlStoreWritesAreRecoveredTheSameWay() throws {
        let fixture = try VaultFixture()
        let state = try fixture.vault.control.anchor()
        try fixture.vault.record(
            fixture.context,
            AuditRecord(
                action: "dsr.open",
                details: AnchoredStore.control.details(StoreAnchor(counter: state.counter + 1, batch: 17))
            )
        )
        try fixture.vault.recordAccess(fixture.context, action: "http.request", outcome: .ok)
        fixture.crash()
        fixture.vault = try fixture.open()
        let recovered = try fixture.entries().filter { $0.action == "store.recovered" }
        #expect(recovered.map { $0.details["control.commit"] } == [.integer(state.counter)])
    }

    @Test func aStoreAtTheAuditedCounterFromAnotherHistoryIsRefused() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("h-1", country: "FR")])
        let state = try fixture.vault.store("eu").anchor()
        // The trail's newest word on eu: the same counter, another batch.
        try fixture.vault.record(
            fixture.context,
            AuditRecord(
                action: "store.recovered",
                regions: ["eu"],
                details: AnchoredStore.region("eu").details(StoreAnchor(counter: state.counter, batch: state.batch ^ 1))
            )
        )
        try fixture.reopen()
        let error = #expect(throws: VaultError.self) { try fixture.vault.store("eu") }
        #expect(error?.code == .storeRolledBack)
        #expect(error?.message.contains("another history") == true)
        #expect(throws: Never.self) { try fixture.vault.store("us") }
    }

    /// A write whose COMMIT fails on a full volume: the trail says it was aborted, nothing
    /// is stored, the store opens again without recovery, and once space returns writes
    /// go through. Needs root to mount a small tmpfs under the region stores.
    @Test(.enabled(if: SmallVolume.isAvailable, "needs root to mount a tmpfs"))
    func aCommitThatFailsOnAFullDiskIsRecordedAsAborted() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("f-1", country: "NL")])
        fixture.crash()
        let regions = fixture.directory.url.appendingPathComponent("regions")
        let volume = try SmallVolume(mountingOver: regions, megabytes: 1)
        fixture.vault = try fixture.open()
        let before = try fixture.vault.store("eu").anchor()
        let events = (0..<6000).map {
            VaultFixture.event("f-1", campaign: "campaign-\($0)-" + String(repeating: "x", count: 60))
        }
        var options = IngestOptions()
        options.batchSize = 6000
        // The region's lines are refused, with its code; the run itself goes on.
        let refused = try fixture.vault.ingestEvents(
            from: try fixture.reader(events),
            context: fixture.context,
            options: options
        )
        #expect(refused.accepted == 0)
        #expect(refused.rejectedByReason == ["region_unavailable": 6000])
        #expect(refused.unavailableRegions == ["eu": "storage_full"], "\(refused)")

        let entries = try fixture.entries().filter { $0.action == "ingest.events" }
        let claimed = try #require(entries.first { $0.outcome == .ok && $0.details["accepted"] == .integer(6000) })
        let aborted = try #require(entries.last)
        #expect(aborted.outcome == .aborted)
        #expect(aborted.details["aborts"] == .integer(Int64(claimed.sequence)))
        #expect(aborted.details["store.eu.commit"] == .integer(before.counter))
        #expect(aborted.reason?.contains("COMMIT failed") == true)
        #expect(try fixture.vault.store("eu").anchor() == before)

        try volume.resize(megabytes: 64)
        _ = try fixture.vault.ingestEvents(from: try fixture.reader(events), context: fixture.context, options: options)
        fixture.crash()
        fixture.vault = try fixture.open()
        #expect(try fixture.entries().filter { $0.action == "store.recovered" }.isEmpty)
        #expect(try fixture.vault.store("eu").read { try $0.scalar(Int.self, "SELECT count(*) FROM events") } == 6000)
        fixture.crash()
    }
}

/// A small tmpfs mounted over a directory (its files copied in), to fill a volume for real.
/// Available when running as root; unmounted (files copied back) on release.
final class SmallVolume {
    static var isAvailable: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount") }

    let directory: URL
    private let saved: URL

    init(mountingOver directory: URL, megabytes: Int) throws {
        self.directory = directory
        saved = directory.deletingLastPathComponent().appendingPathComponent(".volume-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: directory, to: saved)
        try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", directory.path])
        for name in try FileManager.default.contentsOfDirectory(atPath: saved.path) {
            try FileManager.default.copyItem(
                at: saved.appendingPathComponent(name),
                to: directory.appendingPathComponent(name)
            )
        }
    }

    func resize(megabytes: Int) throws {
        try Self.run("/bin/mount", ["-o", "remount,size=\(megabytes)m", directory.path])
    }

    deinit {
        try? Self.run("/bin/umount", ["-l", directory.path])
        try? FileManager.default.removeItem(at: saved)
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(tool) \(arguments) failed"])
        }
    }
}
