import Foundation
import Testing

@testable import CordonCore

/// Global Privacy Control where the policy honours it (GDPR and UK GDPR for analytics,
/// advertising and disclosure; CCPA for sale/sharing and advertising), on every path that
/// decides a lawful basis: ingest of subjects and events, and the population of a query,
/// cached decisions included.
@Suite("Global Privacy Control at ingest and at query time", .serialized)
struct GlobalPrivacyControlTests {
    @Test func anEUSubjectWithGPCAndOnlyAnalyticsConsentIsRefusedAtIngest() throws {
        let fixture = try VaultFixture()
        let (summary, rejections) = try fixture.ingestSubjects([
            VaultFixture.subject("gpc-1", country: "DE", consents: [("analytics", "granted")], gpc: true),
            VaultFixture.subject("gpc-2", country: "GB", consents: [("analytics", "granted")], gpc: true),
            VaultFixture.subject("plain", country: "DE", consents: [("analytics", "granted")], gpc: false),
        ])
        #expect(summary.accepted == 1)
        #expect(rejections.map(\.line) == [1, 2])
        #expect(rejections.allSatisfy { $0.reason == .noLawfulBasis && $0.message.contains("Global Privacy Control") })
    }

    @Test func eventsForAPurposeTheSignalWithdrawsAreRefusedAtIngest() throws {
        let fixture = try VaultFixture()
        // Lawful for marketing email (GDPR does not apply GPC to it), so the subject is kept.
        try fixture.ingestSubjects([
            VaultFixture.subject(
                "gpc-1",
                country: "DE",
                consents: [("analytics", "granted"), ("marketing_email", "granted")],
                gpc: true
            )
        ])
        let (summary, rejections) = try fixture.ingestEvents([
            VaultFixture.event("gpc-1", purpose: "analytics"),
            VaultFixture.event("gpc-1", event: "email_open", purpose: "marketing_email"),
        ])
        #expect(summary.accepted == 1)
        #expect(rejections.count == 1 && rejections[0].line == 1 && rejections[0].reason == .optedOut)
    }

    @Test func aSignalReceivedAfterConsentRemovesTheSubjectFromTheNextQuery() throws {
        let fixture = try QueryFixture()
        let subjects = (0..<30).map { VaultFixture.subject("g-\($0)", country: "DE") }
        try fixture.ingest(subjects: subjects, events: [])
        let population = "SELECT country, COUNT(*) FROM subjects GROUP BY country"
        // Decided and cached for analytics.
        #expect(try fixture.inEURegion(population) { run, _ in run.lawful.count } == 30)
        // The browsers of 20 of them start sending GPC: a later upsert carries the signal.
        let signalled = (0..<20).map {
            VaultFixture.subject("g-\($0)", country: "DE", gpc: true)
        }
        try fixture.ingest(subjects: signalled, events: [])
        #expect(try fixture.inEURegion(population) { run, _ in run.lawful.count } == 10)
        // Decided afresh (no cache) the same.
        let store = try fixture.vault.store("eu")
        let fresh = try store.read { db in
            try LawfulSubjects.load(
                purpose: .analytics,
                evaluator: store.evaluator,
                profileCutoff: nil,
                now: QueryFixture.now,
                in: db
            ).count
        }
        #expect(fresh == 10)
    }
}
