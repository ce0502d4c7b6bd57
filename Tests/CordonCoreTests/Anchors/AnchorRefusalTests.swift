import CordonAudit
import CordonStore
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

/// Files rolled back, cut, wiped or deleted are found on open, by the anchors in the trail
/// and the checkpoint witnessed in control.db, and never silently replaced.
@Suite("Anchors: rollback, deletion and cut trails are refused", .serialized)
struct AnchorRefusalTests {
    /// A fixture whose checkpoints happen only when the test says (close, or explicitly).
    static func fixture() throws -> VaultFixture {
        var configuration = AuditConfiguration()
        configuration.checkpointEveryMilliseconds = 0
        configuration.checkpointEveryEntries = 1_000_000
        return try VaultFixture(auditConfiguration: configuration)
    }

    static func segment(_ fixture: VaultFixture) -> URL {
        fixture.directory.url.appendingPathComponent("audit/segments/0000000000.ndjson")
    }

    /// Keeps the first `count` lines of the (only) segment.
    static func keepEntries(_ count: Int, of fixture: VaultFixture) throws {
        let url = segment(fixture)
        let lines = try Data(contentsOf: url).split(separator: 0x0A).prefix(count)
        try Data(lines.map { Data($0) + [0x0A] }.joined()).write(to: url)
    }

    static func checkpointFiles(_ fixture: VaultFixture) throws -> [String] {
        try FileManager.default.contentsOfDirectory(
            atPath: fixture.directory.url.appendingPathComponent("audit/checkpoints").path
        ).sorted()
    }

    static func removeCheckpoints(_ fixture: VaultFixture) throws {
        let folder = fixture.directory.url.appendingPathComponent("audit/checkpoints")
        for name in try checkpointFiles(fixture) {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    @Test func aStoreAheadOfTheTrailProvesEntriesWereCut() throws {
        let fixture = try Self.fixture()
        try fixture.ingestSubjects([VaultFixture.subject("a-1", country: "DE")])
        try fixture.reopen()  // checkpoint and witness cover everything so far
        let witnessed = fixture.vault.audit.treeSize
        try fixture.ingestEvents([VaultFixture.event("a-1")])
        try fixture.ingestEvents([VaultFixture.event("a-1")])
        fixture.crash()  // nothing signed or witnessed beyond `witnessed`
        try Self.keepEntries(Int(witnessed), of: fixture)

        let error = #expect(throws: VaultError.self) { _ = try fixture.open() }
        #expect(error?.code == .auditTrailCut)
        #expect(error?.message.contains("region store eu is at commit") == true, "\(String(describing: error))")
        #expect(error?.message.contains("the trail is missing entries") == true)
    }

    @Test func cuttingTheLastEntriesAndEveryCheckpointIsCaughtByTheWitness() throws {
        let fixture = try Self.fixture()
        for index in 0..<25 {
            // Reads only: no store anchor moves, so only the witness can tell.
            try fixture.vault.recordAccess(fixture.context, action: .httpRequest, outcome: .ok, reason: "\(index)")
        }
        try fixture.vault.close()
        fixture.vault = nil
        let size = try Data(contentsOf: Self.segment(fixture)).split(separator: 0x0A).count
        try Self.keepEntries(size - 20, of: fixture)
        try Self.removeCheckpoints(fixture)

        let error = #expect(throws: VaultError.self) { _ = try fixture.open() }
        #expect(error?.code == .auditTrailCut)
        #expect(
            error?.message.contains(
                "the audit trail holds \(size - 20) entries, but control.db witnessed a signed checkpoint of \(size)"
            )
                == true,
            "\(String(describing: error))"
        )
        #expect(try Self.checkpointFiles(fixture).isEmpty, "nothing may be signed over a cut trail")
    }

    @Test func aWipedOrEmptiedTrailIsNeverStartedAfresh() throws {
        let fixture = try Self.fixture()
        try fixture.vault.close()
        fixture.vault = nil
        let audit = fixture.directory.url.appendingPathComponent("audit")
        try FileManager.default.removeItem(at: audit)
        let missing = #expect(throws: VaultError.self) { _ = try fixture.open() }
        #expect(missing?.code == .auditTrailCut)
        #expect(missing?.message.contains("the trail was deleted") == true)
        #expect(!FileManager.default.fileExists(atPath: audit.path), "a new trail must not be started")

        try FileManager.default.createDirectory(
            at: audit.appendingPathComponent("segments"),
            withIntermediateDirectories: true
        )
        let empty = #expect(throws: VaultError.self) { _ = try fixture.open() }
        #expect(empty?.code == .auditTrailCut)
        #expect(empty?.message.contains("the trail was wiped") == true)
    }

    @Test func aDeletedControlStoreIsNeverRecreatedEmpty() throws {
        let fixture = try Self.fixture()
        try fixture.vault.close()
        fixture.vault = nil
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: fixture.directory.url.path + "/control.db" + suffix)
        }
        let error = #expect(throws: ControlError.self) { _ = try fixture.open() }
        #expect(error?.code == .missing)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.url.path + "/control.db"))
    }

    @Test func aRegionDroppedFromCordonJSONWhileItsStoreRemainsIsRefused() throws {
        let fixture = try Self.fixture()
        try fixture.ingestSubjects([VaultFixture.subject("r-1", country: "BR")])
        try fixture.vault.close()
        fixture.vault = nil
        let url = fixture.directory.url.appendingPathComponent("cordon.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        json["regions"] = (json["regions"] as! [String]).filter { $0 != "br" }
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        let error = #expect(throws: VaultError.self) { _ = try fixture.open() }
        #expect(error?.code == .configurationMismatch)
        #expect(error?.message.contains("regions/br.db holds the store of region br") == true)
    }

    @Test func aDeletedStoreFailsOnlyItsOwnRegionAndVerifySaysSo() throws {
        let fixture = try Self.fixture()
        try fixture.ingestSubjects([
            VaultFixture.subject("d-1", country: "IT"), VaultFixture.subject("d-2", country: "US"),
        ])
        try fixture.vault.close()
        fixture.vault = nil
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: fixture.directory.url.path + "/regions/eu.db" + suffix)
        }
        fixture.vault = try fixture.open()
        let error = #expect(throws: VaultError.self) { try fixture.vault.store("eu") }
        #expect(error?.code == .storeMissing)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.url.path + "/regions/eu.db"))
        #expect(throws: Never.self) { try fixture.vault.store("us") }

        let checks = try fixture.vault.verifyStores(context: fixture.context)
        let eu = try #require(checks.first { $0.region == "eu" })
        #expect(!eu.intact)
        #expect(eu.problems.contains { $0.contains("the store is missing") })
        #expect(checks.first { $0.region == "us" }?.intact == true)
    }

    @Test func storeVerifyReportsAStoreCutShort() throws {
        let fixture = try Self.fixture()
        try fixture.ingestSubjects([VaultFixture.subject("t-1", country: "AT")])
        try fixture.ingestEvents((0..<2000).map { _ in VaultFixture.event("t-1", campaign: "truncation-check") })
        try fixture.vault.close()
        fixture.vault = nil
        let path = fixture.directory.url.path + "/regions/eu.db"
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "closing checkpoints the WAL into the file")
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(truncate(path, off_t(size - 4096)) == 0)

        let extent = try #require(StoreVerifier.extent(path: path))
        #expect(extent.missingPages == [size / 4096])
        fixture.vault = try fixture.open()
        let checks = try fixture.vault.verifyStores(["eu"], context: fixture.context)
        #expect(checks.first?.intact == false)
        #expect(checks.first?.missingPages == [size / 4096])
        #expect(checks.first?.problems.contains { $0.contains("cut short") } == true)
    }

    @Test func anIntactStoreVerifiesWithItsAuditedCommit() throws {
        let fixture = try Self.fixture()
        try fixture.ingestSubjects([VaultFixture.subject("v-1", country: "SE")])
        let checks = try fixture.vault.verifyStores(["eu"], context: fixture.context)
        let eu = try #require(checks.first)
        #expect(eu.intact, "\(eu.problems)")
        #expect(eu.commit == eu.auditedCommit && eu.commit == 1)
        #expect(eu.missingPages.isEmpty)
    }
}

extension AnchorRefusalTests {
    @Test func aControlStoreRolledBackPastARevocationIsRefused() throws {
        let fixture = try Self.fixture()
        let issued = try fixture.vault.tokenRegistry().create(
            name: "shop",
            role: .ingest,
            scope: .allRegions,
            context: fixture.context
        )
        try fixture.vault.close()
        fixture.vault = nil
        let control = fixture.directory.url.appendingPathComponent("control.db")
        let before = try Data(contentsOf: control)
        fixture.vault = try fixture.open()
        try fixture.vault.tokenRegistry().revoke(id: issued.token.id, context: fixture.context)
        let revocation = try #require(try fixture.entries().last { $0.action == "token.revoke" })
        #expect(revocation.details["control.commit"] != nil, "the revocation is anchored")
        try fixture.vault.close()
        fixture.vault = nil

        try? FileManager.default.removeItem(atPath: control.path + "-wal")
        try before.write(to: control)  // the copy in which the token still works
        let error = #expect(throws: VaultError.self) { _ = try fixture.open() }
        #expect(error?.code == .storeRolledBack)
        #expect(error?.message.contains("control.db is at commit") == true, "\(String(describing: error))")
    }

    @Test func budgetSpentIsAnchoredInControlStore() throws {
        let fixture = try Self.fixture()
        try fixture.ingestSubjects((0..<3).map { VaultFixture.subject("q-\($0)", country: "DE") })
        let before = try fixture.vault.control.anchor()
        _ = try fixture.vault.query(
            "SELECT COUNT(DISTINCT subject) FROM events",
            purpose: .analytics,
            analyst: "ana",
            context: fixture.context
        )
        let after = try fixture.vault.control.anchor()
        #expect(after.counter == before.counter + 1)
        let entry = try #require(try fixture.entries().last { $0.action == "query.run" })
        #expect(entry.details["control.commit"] == .integer(after.counter))
        #expect(entry.privacyCost != nil)
    }
}
