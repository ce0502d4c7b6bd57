import CordonAudit
import CordonStore
import CordonTestSupport
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
                action: .ingestEvents,
                regions: [region],
                details: AnchoredStore.region(region).details(StoreAnchor(counter: state.counter + 1, batch: 4242))
            )
        ).sequence
    }

    @Test func aCleanCloseConfirmsItsWritesSoOneWriteBehindIsARollback() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("k-1", country: "DE")])
        try fixture.vault.close()
        fixture.vault = nil
        let path = fixture.directory.url.appendingPathComponent("regions/eu.db")
        let before = try Data(contentsOf: path)
        fixture.vault = try fixture.open()
        try fixture.ingestEvents([VaultFixture.event("k-1")])
        try fixture.vault.close()  // instance.close states eu's anchor after the event batch
        fixture.vault = nil
        let close = try #require(
            try AuditVerifierReader.entries(fixture).last { $0.action == "instance.close" }
        )
        #expect(close.details["store.eu.commit"] != nil)
        try? FileManager.default.removeItem(atPath: path.path + "-wal")
        try before.write(to: path)  // exactly one write back

        fixture.vault = try fixture.open()
        let error = #expect(throws: VaultError.self) { try fixture.vault.store("eu") }
        #expect(error?.code == .storeRolledBack)
        #expect(try fixture.entries().filter { $0.action == "store.recovered" }.isEmpty)
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
        try fixture.vault.recordAccess(fixture.context, action: .httpRequest, outcome: .denied, reason: "forbidden")
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
                action: .dsrOpen,
                details: AnchoredStore.control.details(StoreAnchor(counter: state.counter + 1, batch: 17))
            )
        )
        try fixture.vault.recordAccess(fixture.context, action: .httpRequest, outcome: .ok)
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
                action: .storeRecovered,
                regions: ["eu"],
                details: AnchoredStore.region("eu").details(StoreAnchor(counter: state.counter, batch: state.batch ^ 1))
            )
        )
        fixture.crash()  // a clean close would state eu's real anchor after the forged one
        fixture.vault = try fixture.open()
        let error = #expect(throws: VaultError.self) { try fixture.vault.store("eu") }
        #expect(error?.code == .storeRolledBack)
        #expect(error?.message.contains("another history") == true)
        #expect(throws: Never.self) { try fixture.vault.store("us") }
    }

    /// A write whose COMMIT fails on a full volume: the trail says it was aborted, nothing
    /// is stored, the store opens again without recovery, and once space returns writes
    /// go through. Needs root to mount a small tmpfs under the region stores.
    @Test(.enabled(if: geteuid() == 0, "needs root to mount a tmpfs"))
    func aCommitThatFailsOnAFullDiskIsRecordedAsAborted() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("f-1", country: "NL")])
        try fixture.vault.close()
        fixture.vault = nil
        // The region stores move onto a volume of their own.
        let regions = fixture.directory.url.appendingPathComponent("regions")
        let aside = fixture.directory.url.appendingPathComponent("regions-aside")
        try FileManager.default.moveItem(at: regions, to: aside)
        let volume = try #require(TmpfsVolume(byteCount: 32 << 20, at: regions))
        for name in try FileManager.default.contentsOfDirectory(atPath: aside.path) {
            try FileManager.default.copyItem(
                at: aside.appendingPathComponent(name),
                to: regions.appendingPathComponent(name)
            )
        }
        fixture.vault = try fixture.open()
        let before = try fixture.vault.store("eu").anchor()
        let filler = try volume.fill()
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

        try FileManager.default.removeItem(at: filler)
        _ = try fixture.vault.ingestEvents(from: try fixture.reader(events), context: fixture.context, options: options)
        fixture.crash()
        fixture.vault = try fixture.open()
        #expect(try fixture.entries().filter { $0.action == "store.recovered" }.isEmpty)
        #expect(try fixture.vault.store("eu").read { try $0.scalar(Int.self, "SELECT count(*) FROM events") } == 6000)
        fixture.crash()
        withExtendedLifetime(volume) {}
    }
}

/// Reads a closed vault's audit entries straight from its segment files.
enum AuditVerifierReader {
    static func entries(_ fixture: VaultFixture) throws -> [AuditEntry] {
        let folder = fixture.directory.url.appendingPathComponent("audit/segments")
        var entries: [AuditEntry] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            for line in data.split(separator: 0x0A) {
                entries.append(try JSONDecoder().decode(AuditEntry.self, from: Data(line)))
            }
        }
        return entries
    }
}
