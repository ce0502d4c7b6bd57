import CordonAudit
import CordonStore
import Foundation
import Synchronization
import Testing

@testable import CordonCore

/// After an erasure no path of a running vault returns the subject, and no cache Cordon
/// keeps still holds it. What a test cannot show — copies of PII that Foundation or the
/// allocator made while the subject was served — is stated in docs/ARCHITECTURE.md.
@Suite("Vault: an erased subject is gone from every path and cache")
struct ErasedSubjectTests {
    @Test func noPathOrCacheReturnsAnErasedSubject() throws {
        let fixture = try VaultFixture()
        let email = "erase-\(UUID().uuidString.prefix(8))@example.de"
        try fixture.ingestSubjects([
            #"{"externalId":"g-1","country":"DE","birthYear":1980,"pii":{"email":"\#(email)","name":"Gesa Lange","phone":"+49301234"},"consents":[{"purpose":"analytics","state":"granted","source":"t","recordedAt":"2026-01-01T00:00:00Z"}]}"#,
            VaultFixture.subject("g-2", country: "DE"),
        ])
        try fixture.ingestEvents([VaultFixture.event("g-1", ts: "2026-11-01T10:00:00Z"), VaultFixture.event("g-2")])
        let id = try #require(try fixture.id(of: "g-1"))
        let store = try fixture.vault.store("eu")
        let sid = try #require(
            try store.read { try $0.scalar(Int64.self, "SELECT sid FROM subjects WHERE id = \(id.rawValue)") }
        )

        // Every path that reads the subject, once, so anything that caches is warm.
        #expect(try fixture.vault.export(id, context: fixture.context).pii["phone"] == "+49301234")
        #expect(try fixture.vault.lookup(.email(email), context: fixture.context).map(\.subjectId) == [id])
        _ = try fixture.vault.query(
            "SELECT country, COUNT(*) AS people FROM subjects GROUP BY country",
            purpose: "analytics",
            analyst: "ana",
            context: fixture.context
        )
        let warm = try #require(store.lawfulDecisions.withLock { $0["analytics"] })
        #expect(warm.lastActive.indices.contains(Int(sid)) && warm.lastActive[Int(sid)] != .min)

        _ = try fixture.vault.erase(id, context: fixture.context)

        #expect(try fixture.vault.lookup(.email(email), context: fixture.context).isEmpty)
        #expect(try fixture.vault.lookup(.externalID("g-1"), context: fixture.context).isEmpty)
        #expect(try fixture.vault.lookup(.id(id), context: fixture.context).isEmpty)
        #expect(try fixture.vault.region(of: id) == nil)
        #expect(throws: VaultError.self) { try fixture.vault.export(id, context: fixture.context) }
        #expect(throws: VaultError.self) { try fixture.vault.rectify(id, set: ["name": "x"], context: fixture.context) }
        #expect(try fixture.ingestEvents([VaultFixture.event("g-1")]).1.first?.reason == .unknownSubject)
        // The lawful-population cache is keyed by the store's decisions version, which the
        // erasure advanced: the next query decides again, without the subject.
        _ = try fixture.vault.query(
            "SELECT region, COUNT(*) AS people FROM subjects GROUP BY region",
            purpose: "analytics",
            analyst: "ana",
            context: fixture.context
        )
        let fresh = try #require(store.lawfulDecisions.withLock { $0["analytics"] })
        #expect(fresh.version > warm.version)
        #expect(!fresh.lastActive.indices.contains(Int(sid)) || fresh.lastActive[Int(sid)] == .min)
        // Nothing of the subject is left in its store but the erasure record.
        let left = try store.read { db in
            try db.scalar(
                Int.self,
                """
                SELECT (SELECT count(*) FROM subjects WHERE sid = \(sid)) + (SELECT count(*) FROM subject_keys WHERE sid = \(sid))
                  + (SELECT count(*) FROM consents WHERE sid = \(sid)) + (SELECT count(*) FROM events WHERE sid = \(sid))
                """
            )
        }
        #expect(left == 0)
        #expect(try fixture.rawStoreBytes("eu").range(of: Data(email.utf8)) == nil)
    }
}
