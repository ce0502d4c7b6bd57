import CordonAudit
import CordonCrypto
import CordonStore
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

@Suite("Write path: residency, refusals, DSRs", .serialized)
struct WritePathTests {
    @Test func subjectsNeverLandOutsideTheRegionOfTheirCountry() throws {
        let fixture = try VaultFixture()
        let configuration = VaultFixture.configuration
        var generator = SystemRandomNumberGenerator()
        let countries = configuration.regions.values.flatMap(\.countries).map(\.rawValue).sorted()
        var expected: [String: String] = [:]
        var lines: [String] = []
        for index in 0..<150 {
            let country = countries.randomElement(using: &generator)!
            // Consent to every purpose, so every policy finds a lawful basis.
            let consents = configuration.catalog.purposes.map { ($0.purpose.rawValue, "granted") }
            lines.append(VaultFixture.subject("r-\(index)", country: country, consents: consents))
            expected["r-\(index)"] = configuration.region(ofCountry: country)!.id.rawValue
        }
        let (summary, rejections) = try fixture.ingestSubjects(lines)
        #expect(rejections.isEmpty)
        #expect(summary.accepted == 150)
        for (externalID, region) in expected {
            let found = try fixture.vault.lookup(.externalID(externalID), context: fixture.context)
            #expect(found.map(\.region) == [region], "\(externalID) should live only in \(region)")
        }
        var stored = 0
        for region in fixture.vault.regionIDs {
            stored += try fixture.vault.store(region).read { db in
                try db.scalar(Int.self, "SELECT count(*) FROM subjects") ?? 0
            }
        }
        #expect(stored == 150)
    }

    @Test func everyRefusalHasItsReasonLineAndStoresNothing() throws {
        let fixture = try VaultFixture()
        let lines = [
            VaultFixture.subject("ok-1", country: "DE", email: "ok@example.com"),
            #"{"externalId":"bad-1","country":"XX"}"#,
            #"{"externalId":"bad-2","country":"DE","ssn":"1"}"#,
            "{broken",
            VaultFixture.subject("bad-3", country: "FR", consents: []),
            VaultFixture.subject("bad-4", country: "FR", birthYear: 2015),
            #"{"externalId":"bad-5","country":"DE","pii":{"email":"not-an-email"}}"#,
            #"{"externalId":"bad-6","country":"DE","birthYear":"1990"}"#,
            VaultFixture.subject("ok-1", country: "US"),
        ]
        let (summary, rejections) = try fixture.ingestSubjects(lines)
        #expect(summary.accepted == 1)
        #expect(rejections.map(\.line) == [2, 3, 4, 5, 6, 7, 8, 9])
        #expect(
            rejections.map(\.reason) == [
                .unknownCountry, .invalidField, .malformedJSON, .noLawfulBasis, .underAge, .invalidField, .invalidField,
                .regionChange,
            ]
        )
        #expect(rejections[1].field == "ssn")
        #expect(rejections[5].field == "pii.email")
        #expect(rejections.allSatisfy { !$0.message.contains("not-an-email") })
        for externalID in ["bad-1", "bad-2", "bad-3", "bad-4", "bad-5", "bad-6"] {
            #expect(try fixture.id(of: externalID) == nil)
        }
        #expect(try fixture.vault.lookup(.externalID("ok-1"), context: fixture.context).map(\.region) == ["eu"])
    }

    @Test func eventsNeedAKnownSubjectAndALawfulPurpose() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([
            VaultFixture.subject("e-eu", country: "DE"),
            VaultFixture.subject("e-us", country: "US", consents: [], gpc: true),
        ])
        let (summary, rejections) = try fixture.ingestEvents([
            VaultFixture.event("e-eu", event: "purchase", amount: 4599),
            VaultFixture.event("e-eu", purpose: "marketing_email"),
            VaultFixture.event("e-us"),
            VaultFixture.event("e-us", event: "ad_click", purpose: "ads_personalization"),
            VaultFixture.event("nobody"),
            VaultFixture.event("e-eu", event: "teleport"),
            VaultFixture.event("e-eu", event: "purchase", amount: 100_001),
        ])
        #expect(summary.accepted == 2)
        #expect(summary.acceptedByRegion == ["eu": 1, "us": 1])
        #expect(rejections.map(\.reason) == [.noLawfulBasis, .optedOut, .unknownSubject, .invalidField, .invalidField])
    }

    @Test func withdrawingConsentStopsTheNextIngestAtOnce() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("w-1", country: "IT")])
        #expect(try fixture.ingestEvents([VaultFixture.event("w-1")]).0.accepted == 1)
        let id = try #require(try fixture.id(of: "w-1"))
        try fixture.vault.recordConsent(
            id,
            purpose: "analytics",
            state: .withdrawn,
            source: "test",
            context: fixture.context
        )
        let (summary, rejections) = try fixture.ingestEvents([VaultFixture.event("w-1")])
        #expect(summary.accepted == 0)
        #expect(rejections.first?.reason == .noLawfulBasis)
        try fixture.vault.recordConsent(
            id,
            purpose: "analytics",
            state: .restricted,
            source: "test",
            context: fixture.context
        )
        #expect(try fixture.ingestEvents([VaultFixture.event("w-1")]).1.first?.reason == .restricted)
    }

    @Test func exportHoldsEverythingWithProvableAccessHistory() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("x-1", country: "ES", email: "x1@example.es")])
        try fixture.ingestEvents([
            VaultFixture.event("x-1", ts: "2026-10-01T10:00:00Z"),
            VaultFixture.event("x-1", ts: "2026-10-02T10:00:00Z", event: "purchase", amount: 1200),
        ])
        let id = try #require(try fixture.id(of: "x-1"))
        let package = try fixture.vault.export(id, context: fixture.context)
        #expect(package.subjectId == id)
        #expect(package.region == "eu")
        #expect(package.pii["email"] == "x1@example.es")
        #expect(package.consents.map(\.source) == ["test"])
        #expect(package.events.count == 2)
        #expect(package.policy.id == "gdpr")
        #expect(package.policy.lawfulPurposes["analytics"] == "consent")
        let actions = package.accessHistory.map(\.action)
        // The request is registered after the package exists (its last effect), so the
        // export's own entry is the newest access the package proves.
        #expect(actions == ["ingest.subjects", "ingest.events", "subject.lookup", "subject.export"])
        let checkpoint = try Checkpoint.parse(package.auditCheckpoint)
        try checkpoint.verify(publicKey: fixture.vault.auditPublicKey, keyName: fixture.vault.audit.verifierKey.name)
        for access in package.accessHistory {
            try access.proof.verify(root: checkpoint.rootHash)
        }
    }

    @Test func erasureLeavesNoRowNoReadablePIIAndASignedReceipt() throws {
        let fixture = try VaultFixture()
        let email = "erase-me-\(UUID().uuidString.prefix(8))@example.com"
        try fixture.ingestSubjects([
            VaultFixture.subject("z-1", country: "NL", email: email), VaultFixture.subject("z-2", country: "NL"),
        ])
        try fixture.ingestEvents([VaultFixture.event("z-1"), VaultFixture.event("z-1"), VaultFixture.event("z-2")])
        #expect(
            try fixture.rawStoreBytes("eu").range(of: Data(email.utf8)) == nil,
            "PII is sealed, never on disk in clear"
        )
        let id = try #require(try fixture.id(of: "z-1"))

        let receipt = try fixture.vault.erase(id, context: fixture.context)
        #expect(receipt.receipt.erased == ["events": 2, "consents": 1, "subjects": 1])
        #expect(receipt.verify(publicKey: fixture.vault.auditPublicKey))
        var forged = receipt
        forged.receipt.erased["events"] = 0
        #expect(!forged.verify(publicKey: fixture.vault.auditPublicKey))

        #expect(try fixture.vault.lookup(.externalID("z-1"), context: fixture.context).isEmpty)
        #expect(try fixture.vault.lookup(.email(email), context: fixture.context).isEmpty)
        #expect(throws: VaultError.self) { try fixture.vault.export(id, context: fixture.context) }
        let store = try fixture.vault.store("eu")
        let remaining = try store.read { db in
            try db.scalar(
                Int.self,
                "SELECT (SELECT count(*) FROM subjects WHERE id = \(id.rawValue)) + (SELECT count(*) FROM events WHERE sid NOT IN (SELECT sid FROM subjects))"
            ) ?? -1
        }
        #expect(remaining == 0)
        #expect(try store.read { db in try db.scalar(Int.self, "SELECT count(*) FROM events") } == 1)
        #expect(try fixture.rawStoreBytes("eu").range(of: Data(email.utf8)) == nil)
        #expect(try fixture.ingestEvents([VaultFixture.event("z-1")]).1.first?.reason == .unknownSubject)
        let erasures = try fixture.vault.audit.search(
            AuditQuery(subject: fixture.vault.pseudonym(id), action: "subject.erase")
        )
        #expect(erasures.map(\.sequence) == [receipt.receipt.auditSequence])
    }

    @Test func rectificationResealsAndMovesTheEmailIndex() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("m-1", country: "SE", email: "old@example.se")])
        let id = try #require(try fixture.id(of: "m-1"))
        try fixture.vault.rectify(id, set: ["email": "new@example.se", "name": ""], context: fixture.context)
        #expect(try fixture.vault.lookup(.email("old@example.se"), context: fixture.context).isEmpty)
        #expect(try fixture.vault.lookup(.email("NEW@example.se"), context: fixture.context).map(\.subjectId) == [id])
        let package = try fixture.vault.export(id, context: fixture.context)
        #expect(package.pii == ["email": "new@example.se"])
        #expect(throws: VaultError.self) { try fixture.vault.rectify(id, set: ["ssn": "1"], context: fixture.context) }
    }

    @Test func retentionDeletesOneSecondPastTheCutoffAndKeepsTheBoundary() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("t-1", country: "DE")], now: 1_767_225_600)  // 2026-01-01
        // GDPR: browsing history P13M. As of 2027-02-01T00:00:00Z the cutoff is 2026-01-01T00:00:00Z.
        let now = Int64(Timestamp.parse("2027-02-01T00:00:00Z")!.timeIntervalSince1970)
        try fixture.ingestEvents(
            [
                VaultFixture.event("t-1", ts: "2025-12-31T23:59:59Z"),
                VaultFixture.event("t-1", ts: "2026-01-01T00:00:00Z"),
                VaultFixture.event("t-1", ts: "2025-12-31T23:59:59Z", event: "purchase", amount: 100),
            ],
            now: 1_767_225_600
        )
        let id = try #require(try fixture.id(of: "t-1"))
        let before = try fixture.vault.export(id, context: fixture.context, now: now)
        #expect(
            before.events.map(\.ts) == ["2025-12-31T23:59:59.000Z", "2026-01-01T00:00:00.000Z"],
            "expired rows are never read"
        )
        let report = try fixture.vault.runRetention(context: fixture.context, now: now)
        let eu = try #require(report.regions.first { $0.region == "eu" })
        #expect(eu.deleted["user.behavior.browsing_history"] == 1)
        #expect(eu.deleted["user.behavior.purchase_history"] == 0)
        #expect(
            try fixture.vault.store("eu").read { db in try db.scalar(Int.self, "SELECT count(*) FROM events") } == 2
        )
    }

    @Test func auditedStoreThatFallsBehindIsRefused() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("rb-1", country: "PL")])
        let path = fixture.directory.url.appendingPathComponent("regions/eu.db")
        try fixture.vault.close()
        fixture.vault = nil  // every connection closes; the last one checkpoints the WAL away
        let old = try Data(contentsOf: path)
        try fixture.reopen()
        try fixture.ingestSubjects([
            VaultFixture.subject("rb-2", country: "PL"), VaultFixture.subject("rb-3", country: "PL"),
        ])
        try fixture.ingestSubjects([VaultFixture.subject("rb-4", country: "PL")])
        try fixture.vault.close()
        fixture.vault = nil
        try? FileManager.default.removeItem(atPath: path.path + "-wal")
        try old.write(to: path)
        fixture.vault = try Vault.open(
            dataDirectory: fixture.directory.url,
            configuration: VaultFixture.configuration,
            source: fixture.source
        )
        let error = #expect(throws: VaultError.self) { try fixture.vault.store("eu") }
        #expect(error?.code == .storeRolledBack)
        #expect(error?.message.contains("older than its audited state") == true)
    }
}
