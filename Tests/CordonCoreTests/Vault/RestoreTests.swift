import CordonAudit
import CordonStore
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

/// Erasure stays erased: restoring older copies of a region store and of `control.db`
/// replays from the audit trail what must not come back.
@Suite("Restore: what the audit trail says must not come back", .serialized)
struct RestoreTests {
    /// Copies a store file of a closed vault (the last connection checkpointed its WAL).
    static func backup(_ fixture: VaultFixture, _ relativePath: String) throws -> URL {
        try fixture.vault.close()
        fixture.vault = nil
        let copy = fixture.directory.url.appendingPathComponent("backup-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixture.directory.url.appendingPathComponent(relativePath), to: copy)
        fixture.vault = try fixture.open()
        return copy
    }

    @Test func aRegionRestoreErasesEveryoneTheTrailSaysWasErasedEvenWithoutTombstones() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([
            VaultFixture.subject("r-1", country: "DK", email: "r1@example.dk"),
            VaultFixture.subject("r-2", country: "DK"),
        ])
        try fixture.ingestEvents([VaultFixture.event("r-1")])
        let eu = try Self.backup(fixture, "regions/eu.db")
        let erased = try #require(try fixture.id(of: "r-1"))
        let receipt = try fixture.vault.erase(erased, context: fixture.context)
        // control.db lost the tombstone (an older copy of it, or a failed bookkeeping step).
        try fixture.vault.control.write("test") { db in try db.execute("DELETE FROM erasure_tombstones") }

        let (replayed, _) = try fixture.vault.restore("eu", from: eu, context: fixture.context)
        #expect(replayed == 1)
        #expect(try fixture.vault.lookup(.externalID("r-1"), context: fixture.context).isEmpty)
        #expect(try fixture.vault.lookup(.email("r1@example.dk"), context: fixture.context).isEmpty)
        #expect(try fixture.id(of: "r-2") != nil)
        let restore = try #require(try fixture.entries().last { $0.action == "store.restore" })
        #expect(restore.details["erasuresOnlyInTrail"] == .integer(1))
        // The erasure record (with its receipt) was carried over from the replaced store.
        #expect(try fixture.vault.erase(erased, context: fixture.context) == receipt)
        try fixture.reopen()
        #expect(try fixture.id(of: "r-1") == nil)
    }

    @Test func retentionErasuresAreReplayedToo() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects(
            [VaultFixture.subject("old-1", country: "SE", recordedAt: "2024-12-01T10:00:00Z")],
            now: 1_735_689_600  // 2025-01-01
        )
        let eu = try Self.backup(fixture, "regions/eu.db")
        let report = try fixture.vault.runRetention(context: fixture.context, now: 1_893_456_000)  // 2030-01-01
        #expect(report.regions.first { $0.region == "eu" }?.subjectsExpired == 1)
        try fixture.vault.control.write("test") { db in try db.execute("DELETE FROM erasure_tombstones") }
        _ = try fixture.vault.restore("eu", from: eu, context: fixture.context)
        #expect(try fixture.id(of: "old-1") == nil)
    }

    /// Issue 13 point 7: a pre-erasure region store with a pre-erasure control.db.
    @Test func restoringOldCopiesOfBothStoresKeepsEveryErasureRevocationAndSpend() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([
            VaultFixture.subject("c-1", country: "FR", email: "c1@example.fr"),
            VaultFixture.subject("c-2", country: "FR"),
        ])
        let erased = try #require(try fixture.id(of: "c-1"))
        let kept = try #require(try fixture.id(of: "c-2"))
        let revokedLater = try fixture.vault.tokenRegistry().create(
            name: "old",
            role: .dpo,
            scope: .allRegions,
            context: fixture.context
        )
        let answered = try fixture.vault.openRequest(
            .access,
            region: nil,
            subject: kept.rawValue,
            externalRef: nil,
            receivedAt: Date(),
            context: fixture.context
        )
        let query = "SELECT country, COUNT(*) AS people FROM subjects GROUP BY country"
        _ = try fixture.vault.query(query, purpose: "analytics", analyst: "ana", context: fixture.context)
        let spentAtBackup = try fixture.vault.budget(analyst: "ana", context: fixture.context).regions

        let region = try Self.backup(fixture, "regions/eu.db")
        let control = try Self.backup(fixture, "control.db")

        // After the backups: a new subject, an erasure, a revocation, a new token, more
        // budget, DSR work.
        try fixture.ingestSubjects([VaultFixture.subject("c-3", country: "FR")])
        _ = try fixture.vault.erase(erased, context: fixture.context)
        let erasureRequest = try #require(
            try fixture.vault.listRequests(.completed, now: Date(), context: fixture.context).first {
                $0.kind == .erasure
            }
        ).id
        try fixture.vault.tokenRegistry().revoke(id: revokedLater.token.id, context: fixture.context)
        let createdLater = try fixture.vault.tokenRegistry().create(
            name: "new",
            role: .dpo,
            scope: .allRegions,
            context: fixture.context
        )
        _ = try fixture.vault.query(
            "SELECT region, COUNT(*) AS people FROM subjects GROUP BY region",
            purpose: "analytics",
            analyst: "ana",
            context: fixture.context
        )
        let spentLater = try fixture.vault.budget(analyst: "ana", context: fixture.context).regions
        #expect(spentLater != spentAtBackup)
        _ = try fixture.vault.export(kept, context: fixture.context, dsrRequest: answered.id)
        let openedLater = try fixture.vault.openRequest(
            .rectification,
            region: nil,
            subject: kept.rawValue,
            externalRef: nil,
            receivedAt: Date(),
            context: fixture.context
        )

        // Both files rolled back by hand: control.db is refused at open.
        try fixture.vault.close()
        fixture.vault = nil
        let data = fixture.directory.url
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: data.appendingPathComponent("control.db").path + suffix)
            try? FileManager.default.removeItem(atPath: data.appendingPathComponent("regions/eu.db").path + suffix)
        }
        try FileManager.default.copyItem(at: control, to: data.appendingPathComponent("control.db"))
        try FileManager.default.copyItem(at: region, to: data.appendingPathComponent("regions/eu.db"))
        let refused = #expect(throws: VaultError.self) { _ = try fixture.open() }
        #expect(refused?.code == .storeRolledBack)

        // The explicit path: accept the old control.db, replaying what the trail records.
        let report = try Vault.restoreControl(
            dataDirectory: data,
            configuration: VaultFixture.configuration,
            source: fixture.source,
            from: control,
            context: fixture.context
        )
        #expect(report.tokensRevoked == [revokedLater.token.id])
        #expect(report.tokensMissing == [createdLater.token.id])
        #expect(report.budgetsRaised > 0)
        #expect(
            Set(report.requestsNotReplayed.map { "\($0.request) \($0.register)" })
                == ["\(answered.id) open", "\(openedLater.id) missing", "\(erasureRequest) missing"]
        )

        fixture.vault = try fixture.open()
        #expect(try fixture.vault.tokenRegistry().authenticate(revokedLater.secret) == nil)
        #expect(try fixture.vault.budget(analyst: "ana", context: fixture.context).regions == spentLater)
        // The region store is still the old copy; restoring it erases c-1 again.
        #expect(throws: VaultError.self) { try fixture.vault.store("eu") }
        let (replayed, _) = try fixture.vault.restore("eu", from: region, context: fixture.context)
        #expect(replayed == 1)
        #expect(try fixture.vault.lookup(.email("c1@example.fr"), context: fixture.context).isEmpty)
        #expect(try fixture.id(of: "c-2") == kept)
        // Its original receipt was in the store that was rolled back by hand; the restore
        // kept a receipt of its own for the erasure it re-applied.
        let again = try fixture.vault.erase(erased, context: fixture.context)
        #expect(again.verify(publicKey: fixture.vault.auditPublicKey))
        let restore = try #require(try fixture.entries().last { $0.action == "store.restore" })
        #expect(again.receipt.auditSequence == restore.sequence)
        #expect(restore.subjects == [fixture.vault.pseudonym(erased)])
        try fixture.reopen()
        #expect(try fixture.vault.verifyStores(context: fixture.context).allSatisfy(\.intact))
    }

    /// A backup exactly one write older than the store looks like a crash between that
    /// write's entry and its COMMIT; when that write was an erasure, recovery erases again.
    @Test func aStoreOneErasureBehindIsRecoveredWithTheErasureReapplied() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([
            VaultFixture.subject("o-1", country: "NL", email: "o1@example.nl"),
            VaultFixture.subject("o-2", country: "NL"),
        ])
        let erased = try #require(try fixture.id(of: "o-1"))
        let eu = try Self.backup(fixture, "regions/eu.db")
        let original = try fixture.vault.erase(erased, context: fixture.context)
        // A crash right after: nothing confirms the erasure committed (a clean close would
        // state eu's anchor, and the copy one write behind would be refused as a rollback).
        fixture.crash()
        let path = fixture.directory.url.appendingPathComponent("regions/eu.db")
        try? FileManager.default.removeItem(atPath: path.path + "-wal")
        try FileManager.default.removeItem(at: path)
        try FileManager.default.copyItem(at: eu, to: path)

        fixture.vault = try fixture.open()
        #expect(try fixture.vault.lookup(.email("o1@example.nl"), context: fixture.context).isEmpty)
        #expect(try fixture.id(of: "o-2") != nil)
        let reapplied = try #require(try fixture.entries().last { $0.action == "subject.erase" })
        #expect(reapplied.details["reapplies"] == .integer(Int64(original.receipt.auditSequence)))
        #expect(reapplied.actor == "cordon:recovery")
        let receipt = try fixture.vault.erase(erased, context: fixture.context)
        #expect(receipt.verify(publicKey: fixture.vault.auditPublicKey))
        #expect(receipt.receipt.auditSequence == reapplied.sequence)
        try fixture.reopen()
        #expect(try fixture.id(of: "o-1") == nil)
    }

    @Test func aControlCopyFromAnotherDirectoryIsRefusedAndChangesNothing() throws {
        let fixture = try VaultFixture()
        let other = try VaultFixture()
        let foreign = try Self.backup(other, "control.db")
        try fixture.vault.close()
        fixture.vault = nil
        let before = try fixture.directory.snapshot()
        let error = #expect(throws: VaultError.self) {
            _ = try Vault.restoreControl(
                dataDirectory: fixture.directory.url,
                configuration: VaultFixture.configuration,
                source: fixture.source,
                from: foreign,
                context: fixture.context
            )
        }
        #expect(error?.code == .invalidRequest)
        #expect(try fixture.directory.snapshot() == before)
    }
}
