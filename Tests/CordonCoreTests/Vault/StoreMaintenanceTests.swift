import CordonAudit
import CordonCrypto
import CordonStore
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

@Suite("Stores: encryption at rest, restore, page keys, DSR register", .serialized)
struct StoreMaintenanceTests {
    @Test func noPlaintextMarkerReachesAnyStoreFile() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("p-1", country: "AT", email: "marker-anna@example.at")])
        try fixture.ingestEvents(
            (0..<200).map { _ in VaultFixture.event("p-1", event: "purchase", amount: 999, campaign: "cmp-marker-77") }
        )
        let bytes =
            try fixture.rawStoreBytes("eu")
            + Data(contentsOf: fixture.directory.url.appendingPathComponent("control.db"))
        for marker in ["marker-anna", "cmp-marker-77", "purchase", "analytics", "CREATE TABLE"] {
            #expect(bytes.range(of: Data(marker.utf8)) == nil, "\(marker) is on disk in clear")
        }
        let checks = try fixture.vault.verifyStores(context: fixture.context)
        #expect(checks.map(\.region) == ["br", "cn", "eu", "uk", "us", "control"])
        #expect(checks.allSatisfy { $0.intact })
    }

    @Test func aFlippedByteInAStoreIsReportedNeverServed() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("f-1", country: "BE")])
        try fixture.ingestEvents((0..<500).map { _ in VaultFixture.event("f-1") })
        try fixture.vault.close()
        fixture.vault = nil
        let path = fixture.directory.url.appendingPathComponent("regions/eu.db")
        var bytes = try Data(contentsOf: path)
        bytes[4096 + 300] ^= 0x40  // inside page 2
        try bytes.write(to: path)
        try fixture.reopen()
        let checks = try fixture.vault.verifyStores(context: fixture.context)
        #expect(checks.first { $0.region == "eu" }?.badPages == [2])
        #expect(checks.filter { $0.region != "eu" }.allSatisfy { $0.intact })
        // Reading every page (integrity_check) hits page 2 and fails; it never returns altered rows.
        let error = #expect(throws: VaultError.self) {
            _ = try fixture.vault.store("eu").read { db in try db.query("PRAGMA integrity_check") }
        }
        #expect(error?.code == .storeCorrupt)
        #expect(error?.regions == ["eu"])
    }

    @Test func restoringAnOlderCopyReplaysErasures() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([
            VaultFixture.subject("b-1", country: "DK", email: "b1@example.dk"),
            VaultFixture.subject("b-2", country: "DK"),
        ])
        try fixture.ingestEvents([VaultFixture.event("b-1"), VaultFixture.event("b-2")])
        try fixture.vault.close()
        fixture.vault = nil
        let backup = fixture.directory.url.appendingPathComponent("eu-backup.db")
        try FileManager.default.copyItem(at: fixture.directory.url.appendingPathComponent("regions/eu.db"), to: backup)
        try fixture.reopen()

        let erased = try #require(try fixture.id(of: "b-1"))
        _ = try fixture.vault.erase(erased, context: fixture.context)
        try fixture.ingestSubjects([VaultFixture.subject("b-3", country: "DK")])

        let (replayed, _) = try fixture.vault.restore("eu", from: backup, context: fixture.context)
        #expect(replayed == 1)
        #expect(
            try fixture.vault.lookup(.externalID("b-1"), context: fixture.context).isEmpty,
            "an erased person never comes back"
        )
        #expect(try fixture.vault.lookup(.email("b1@example.dk"), context: fixture.context).isEmpty)
        #expect(try fixture.id(of: "b-2") != nil)
        #expect(try fixture.id(of: "b-3") == nil, "the backup predates b-3")
        try fixture.reopen()
        #expect(try fixture.id(of: "b-2") != nil, "the restored state is the new audited anchor")
    }

    @Test func pageKeyRotationKeepsEveryRowAndChangesTheKey() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("k-1", country: "IE")])
        try fixture.ingestEvents((0..<50).map { _ in VaultFixture.event("k-1") })
        let rotated = try fixture.vault.rotatePageKey("eu", context: fixture.context)
        #expect(rotated.version == 2)
        #expect(rotated.algorithm == .xChaCha20Poly1305)
        try fixture.reopen()
        #expect(
            try fixture.vault.store("eu").read { db in try db.scalar(Int.self, "SELECT count(*) FROM events") } == 50
        )
        let keyring = try fixture.vault.keys.keyring(.region("eu"))
        let path = fixture.directory.url.appendingPathComponent("regions/eu.db").path
        #expect(
            StoreVerifier.opens(
                path: path,
                with: PageEncryption(key: try keyring.dataKey(.page, as: PageKeyRole.self, version: 2))
            )
        )
        #expect(
            !StoreVerifier.opens(
                path: path,
                with: PageEncryption(key: try keyring.dataKey(.page, as: PageKeyRole.self, version: 1))
            )
        )
    }

    /// `keys rotate --pages --cipher` moves a store to another page AEAD; a later rotation
    /// without one keeps it, and every row survives both.
    @Test(.enabled(if: PageEncryption.Algorithm.aes256GCM.isAvailable))
    func pageKeyRotationMovesAStoreToAnotherCipherAndKeepsIt() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("g-1", country: "FR")])
        try fixture.ingestEvents((0..<40).map { _ in VaultFixture.event("g-1") })
        let path = fixture.directory.url.appendingPathComponent("regions/eu.db").path
        #expect(StoreVerifier.algorithm(ofStoreAt: path) == .xChaCha20Poly1305)
        let moved = try fixture.vault.rotatePageKey("eu", algorithm: .aes256GCM, context: fixture.context)
        #expect(moved.algorithm == .aes256GCM)
        #expect(StoreVerifier.algorithm(ofStoreAt: path) == .aes256GCM)
        let kept = try fixture.vault.rotatePageKey("eu", context: fixture.context)
        #expect(kept.version == 3 && kept.algorithm == .aes256GCM)
        try fixture.reopen()
        #expect(
            try fixture.vault.store("eu").read { db in try db.scalar(Int.self, "SELECT count(*) FROM events") } == 40
        )
        #expect(try fixture.vault.verifyStores(context: fixture.context).allSatisfy { $0.intact })
    }

    @Test func answeredRequestsLandInTheRegisterWithTheirDeadline() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("d-1", country: "US", consents: [])])
        let id = try #require(try fixture.id(of: "d-1"))
        let now = Date()
        let opened = try fixture.vault.openRequest(
            .access,
            region: "us",
            subject: id.rawValue,
            externalRef: "ticket-9",
            receivedAt: now,
            context: fixture.context
        )
        _ = try fixture.vault.export(id, context: fixture.context, dsrRequest: opened.id)
        #expect(try fixture.vault.dsrRequest(opened.id).status == .completed)
        try fixture.vault.recordConsent(
            id,
            purpose: "sale_or_share",
            state: .withdrawn,
            source: "gpc-form",
            context: fixture.context
        )
        let completed = try fixture.vault.listRequests(.completed, now: now, context: fixture.context)
        #expect(Set(completed.map(\.kind)) == [.access, .optOutSaleShare])
        // An export that names a request for another right is refused before anything is read.
        let erasure = try fixture.vault.openRequest(
            .erasure,
            region: nil,
            subject: id.rawValue,
            externalRef: nil,
            receivedAt: now,
            context: fixture.context
        )
        #expect(erasure.region == "us")
        #expect(throws: ControlError.self) {
            try fixture.vault.export(id, context: fixture.context, dsrRequest: erasure.id)
        }
        _ = try fixture.vault.erase(id, context: fixture.context, dsrRequest: erasure.id)
        #expect(try fixture.vault.dsrRequest(erasure.id).status == .completed)
        #expect(try fixture.vault.control.tombstones(region: "us").map(\.subjectID) == [id.rawValue])
    }

    @Test func everyOperationIsAuditedAndTheTrailVerifies() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("a-1", country: "PT")])
        let id = try #require(try fixture.id(of: "a-1"))
        _ = try fixture.vault.export(id, context: fixture.context)
        try fixture.vault.rectify(id, set: ["name": "A"], context: fixture.context)
        _ = try fixture.vault.runRetention(context: fixture.context)
        _ = try fixture.vault.erase(id, context: fixture.context)
        let actions = try fixture.vault.audit.entries(in: 0..<fixture.vault.audit.treeSize).map(\.action)
        for action in [
            "ingest.subjects", "subject.lookup", "subject.export", "subject.rectify", "retention.run", "subject.erase",
        ] {
            #expect(actions.contains(action))
        }
        let entries = try fixture.vault.audit.entries(in: 0..<fixture.vault.audit.treeSize)
        #expect(entries.allSatisfy { entry in entry.subjects.allSatisfy { $0.hasPrefix("p-") && $0 != id.rawValue } })
        try fixture.vault.close()
        let report = AuditVerifier.verify(
            directory: fixture.directory.url.appendingPathComponent("audit"),
            publicKey: fixture.vault.audit.verifierKey
        )
        #expect(report.isValid)
    }
}

@Suite("Vault fails closed when the audit trail cannot be written")
struct FailClosedTests {
    @Test func anUnwritableAuditTrailFailsTheOperationAndStoresNothing() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("fc-1", country: "FI")])
        try fixture.vault.close()
        fixture.vault = nil

        // Reopen with one entry per segment: the next append must create a new segment
        // file, and a directory already sits at its path (root ignores chmod, so this is
        // how a test makes the disk refuse).
        var configuration = AuditConfiguration()
        configuration.segmentMaxEntries = 1
        let open = {
            try Vault.open(
                dataDirectory: fixture.directory.url,
                configuration: VaultFixture.configuration,
                source: fixture.source,
                auditConfiguration: configuration
            )
        }
        fixture.vault = try open()
        let next = fixture.vault.audit.treeSize
        let blocker = fixture.directory.url.appendingPathComponent(
            String(format: "audit/segments/%010llu.ndjson", next)
        )
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)
        let eventsBefore = try fixture.vault.store("eu").read { db in
            try db.scalar(Int.self, "SELECT count(*) FROM events")
        }

        let error = #expect(throws: VaultError.self) { try fixture.ingestEvents([VaultFixture.event("fc-1")]) }
        #expect(error?.code == .auditUnavailable)
        #expect(error?.message.contains("the operation was not performed") == true)
        #expect(
            try fixture.vault.store("eu").read { db in try db.scalar(Int.self, "SELECT count(*) FROM events") }
                == eventsBefore
        )
        let id = try #require(try fixture.vault.locate(.externalID("fc-1")).first?.subject.id)
        #expect(throws: VaultError.self) { try fixture.vault.export(id, context: fixture.context) }
        #expect(throws: VaultError.self) { try fixture.vault.erase(id, context: fixture.context) }

        // Once the disk is healthy again, a restart serves again, and nothing was lost.
        fixture.vault = nil
        try FileManager.default.removeItem(at: blocker)
        fixture.vault = try open()
        #expect(try fixture.vault.export(id, context: fixture.context).subjectId == id)
    }
}
