import CordonAudit
import CordonStore
import CordonTestSupport
import Foundation
import Synchronization
import Testing

@testable import CordonCore

/// A damaged region store fails only its own region's work, with a stable code; every other
/// region keeps serving lookups, exports, ingest, queries, retention and store checks.
@Suite("Region isolation: one damaged store never fails the others")
struct RegionIsolationTests {
    /// How eu.db is damaged between two opens.
    enum Damage: String, CaseIterable, CustomStringConvertible {
        /// One flipped byte in each of pages 2-5 (the subjects table and its indexes): the
        /// store opens, and the first read that reaches them fails authentication.
        case flippedPage
        /// One flipped byte inside page 1 past the plaintext header: the store does not open.
        case damagedHeader

        var description: String { rawValue }
    }

    /// A vault with one subject each in eu (DE), uk (GB) and us (US), an event for each,
    /// and eu.db damaged as asked.
    static func damagedVault(_ damage: Damage) throws -> VaultFixture {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([
            VaultFixture.subject("eu-1", country: "DE", email: "same@example.com"),
            VaultFixture.subject("uk-1", country: "GB", email: "same@example.com"),
            VaultFixture.subject("us-1", country: "US"),
        ])
        try fixture.ingestEvents([
            VaultFixture.event("eu-1"), VaultFixture.event("uk-1"), VaultFixture.event("us-1"),
        ])
        try fixture.vault.close()
        fixture.vault = nil
        let path = fixture.directory.url.appendingPathComponent("regions/eu.db")
        var bytes = try Data(contentsOf: path)
        switch damage {
        case .flippedPage: for page in 1...4 { bytes[4096 * page + 300] ^= 0x40 }
        case .damagedHeader: bytes[200] ^= 0x40
        }
        try bytes.write(to: path)
        fixture.vault = try fixture.open()
        return fixture
    }

    @Test(arguments: Damage.allCases)
    func lookupsInHealthyRegionsAreServed(_ damage: Damage) throws {
        let fixture = try Self.damagedVault(damage)
        let uk = try fixture.vault.lookup(.externalID("uk-1"), context: fixture.context)
        #expect(uk.map(\.region) == ["uk"])
        #expect(try fixture.vault.lookup(.externalID("us-1"), context: fixture.context).map(\.region) == ["us"])
        let id = try #require(uk.first?.subjectId)
        #expect(try fixture.vault.region(of: id) == "uk")
    }

    @Test(arguments: Damage.allCases)
    func notFoundIsNeverSaidWhileARegionCannotAnswer(_ damage: Damage) throws {
        let fixture = try Self.damagedVault(damage)
        let error = #expect(throws: VaultError.self) {
            _ = try fixture.vault.lookup(.externalID("nobody"), context: fixture.context)
        }
        #expect(error?.code == .storeCorrupt)
        #expect(error?.regions == ["eu"])
        // The subject of the damaged region: its region's code, never "not found".
        let eu = #expect(throws: VaultError.self) {
            _ = try fixture.vault.lookup(.externalID("eu-1"), context: fixture.context)
        }
        #expect(eu?.code == .storeCorrupt)
        let lookups = try fixture.entries().filter { $0.action == "subject.lookup" }
        #expect(lookups.last?.outcome == .error)
        #expect(lookups.last?.details["unavailable"] == .string("eu"))
    }

    @Test(arguments: Damage.allCases)
    func anEmailLookupSaysWhichRegionsCouldNotBeSearched(_ damage: Damage) throws {
        let fixture = try Self.damagedVault(damage)
        let found = try fixture.vault.find(.email("same@example.com"), context: fixture.context)
        #expect(found.subjects.map(\.region) == ["uk"])
        #expect(found.unavailableRegions == ["eu": "store_corrupt"])
    }

    @Test(arguments: Damage.allCases)
    func exportsOfOtherRegionsKeepWorking(_ damage: Damage) throws {
        let fixture = try Self.damagedVault(damage)
        let id = try #require(try fixture.id(of: "uk-1"))
        let export = try fixture.vault.export(id, context: fixture.context)
        #expect(export.region == "uk")
        #expect(export.subjectId == id)
        #expect(export.pii["email"] == "same@example.com")
    }

    @Test(arguments: Damage.allCases)
    func ingestRefusesOnlyTheLinesTheDamagedRegionMustAnswer(_ damage: Damage) throws {
        let fixture = try Self.damagedVault(damage)
        let (events, eventRejections) = try fixture.ingestEvents([
            VaultFixture.event("uk-1"), VaultFixture.event("eu-1"), VaultFixture.event("us-1"),
            VaultFixture.event("nobody"),
        ])
        #expect(events.accepted == 2)
        #expect(events.acceptedByRegion == ["uk": 1, "us": 1])
        #expect(eventRejections.map(\.line) == [2, 4])
        #expect(eventRejections.allSatisfy { $0.reason == .regionUnavailable })
        #expect(eventRejections.first?.message.contains("region eu") == true)
        #expect(events.unavailableRegions == ["eu": "store_corrupt"])

        let (subjects, subjectRejections) = try fixture.ingestSubjects([
            VaultFixture.subject("uk-1", country: "GB"),  // already in uk: an update needs no other region
            VaultFixture.subject("eu-2", country: "AT"),  // its own region is the damaged one
            VaultFixture.subject("uk-2", country: "GB"),  // new: eu cannot say it holds no uk-2
        ])
        #expect(subjects.accepted == 1)
        #expect(subjects.updated == 1)
        #expect(subjectRejections.map(\.line) == [2, 3])
        #expect(subjectRejections.allSatisfy { $0.reason == .regionUnavailable })
    }

    @Test(arguments: Damage.allCases)
    func queriesOverHealthyRegionsAnswerAndOnesTouchingTheDamagedRegionSpendNothing(_ damage: Damage) throws {
        let fixture = try Self.damagedVault(damage)
        let context = AccessContext(actor: "test:analyst", role: .analyst)
        let answer = try fixture.vault.query(
            "SELECT channel, COUNT(DISTINCT subject) FROM events WHERE region IN ('uk', 'us') GROUP BY channel",
            purpose: "analytics",
            analyst: "ana",
            context: context
        )
        #expect(answer.privacy.epsilonSpent.keys.sorted() == ["uk", "us"])
        let before = try fixture.vault.budget(analyst: "ana", context: context)
        let error = #expect(throws: VaultError.self) {
            _ = try fixture.vault.query(
                "SELECT device, COUNT(DISTINCT subject) FROM events GROUP BY device",
                purpose: "analytics",
                analyst: "ana",
                context: context
            )
        }
        #expect(error?.code == .storeCorrupt)
        #expect(error?.regions == ["eu"])
        let after = try fixture.vault.budget(analyst: "ana", context: context)
        #expect(
            before.regions.map(\.remaining) == after.regions.map(\.remaining),
            "a query that cannot read a region spends no budget anywhere"
        )
        let refused = try fixture.entries().last { $0.action == "query.run" }
        #expect(refused?.outcome == .error)
        #expect(refused?.reason?.contains("store_corrupt") == true)
    }

    @Test(arguments: Damage.allCases)
    func retentionSkipsAndReportsTheDamagedRegion(_ damage: Damage) throws {
        let fixture = try Self.damagedVault(damage)
        // Far enough ahead that the fixture's 2025 events are past every retention period.
        let later = Int64(Date(timeIntervalSince1970: 1_900_000_000).timeIntervalSince1970)
        let report = try fixture.vault.runRetention(context: fixture.context, now: later)
        #expect(report.unavailableRegions == ["eu": "store_corrupt"])
        #expect(report.regions.map(\.region).contains("uk"))
        #expect(!report.regions.map(\.region).contains("eu"))
        let run = try fixture.entries().last { $0.action == "retention.run" }
        #expect(run?.outcome == .error)
    }

    @Test(arguments: Damage.allCases)
    func storeVerifyReportsEachRegionOnItsOwn(_ damage: Damage) throws {
        let fixture = try Self.damagedVault(damage)
        let checks = try fixture.vault.verifyStores(context: fixture.context)
        let eu = try #require(checks.first { $0.region == "eu" })
        #expect(!eu.intact)
        #expect(eu.code == "store_corrupt")
        #expect(checks.filter { $0.region != "eu" }.allSatisfy { $0.intact })
    }

    @Test func storeVerifyDoesNotTrustAHeaderClaimingBillionsOfPages() throws {
        let fixture = try Self.damagedVault(.flippedPage)
        try fixture.vault.close()
        fixture.vault = nil
        let path = fixture.directory.url.appendingPathComponent("regions/eu.db")
        var bytes = try Data(contentsOf: path)
        bytes[28] ^= 0x40  // the in-header database size: 2^30 pages more
        try bytes.write(to: path)
        fixture.vault = try fixture.open()
        let extent = try #require(StoreVerifier.extent(path: path.path))
        #expect(extent.missingPageCount >= 1 << 30)
        #expect(extent.missingPages.count == StoreVerifier.listedMissingPages)
        let eu = try #require(try fixture.vault.verifyStores(["eu"], context: fixture.context).first)
        #expect(!eu.intact)
        #expect(eu.code == "store_corrupt")
        #expect(eu.problems.contains { $0.contains("of them are in no file") })
    }

    @Test func aStoreThatNoLongerOpensIsTakenOutOfServiceToo() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("o-1", country: "DE")])
        try fixture.vault.close()
        fixture.vault = nil
        fixture.vault = try fixture.open()
        // Damaged while this process had not opened it yet (the checks at open passed).
        fixture.vault.stores.withLock { _ = $0.removeValue(forKey: "eu") }
        let path = fixture.directory.url.appendingPathComponent("regions/eu.db")
        var bytes = try Data(contentsOf: path)
        bytes[200] ^= 0x40
        try bytes.write(to: path)
        let error = #expect(throws: VaultError.self) { try fixture.vault.store("eu") }
        #expect(error?.code == .storeCorrupt)
        #expect(fixture.vault.unavailableRegions["eu"]?.code == .storeCorrupt)
    }

    @Test func aBatchNothingOfWhichCouldBeStoredFailsWithTheRegionsCode() {
        var summary = IngestSummary(kind: "events")
        summary.lines = 2
        summary.rejected = 2
        summary.rejectedByReason = ["region_unavailable": 1, "malformed_json": 1]
        summary.unavailableRegions = ["eu": "storage_full", "uk": "store_corrupt"]
        #expect(summary.unavailability?.code == .storageFull)
        #expect(summary.unavailability?.regions == ["eu", "uk"])
        summary.accepted = 1
        #expect(summary.unavailability == nil, "a batch that stored something answers its lines")
    }

    @Test func aStoreFoundDamagedWhileServingIsTakenOutOfService() throws {
        let fixture = try Self.damagedVault(.flippedPage)
        #expect(fixture.vault.unavailableRegions.isEmpty, "a flipped data page is found only when read")
        _ = try? fixture.vault.lookup(.externalID("eu-1"), context: fixture.context)
        #expect(fixture.vault.unavailableRegions.mapValues(\.code) == ["eu": .storeCorrupt])
        let error = #expect(throws: VaultError.self) { try fixture.vault.store("eu") }
        #expect(error?.code == .storeCorrupt)
        #expect(throws: Never.self) { try fixture.vault.store("uk") }
        // The trail says so once, for the DPO.
        let marks = try fixture.entries().filter { $0.action == "store.unavailable" }
        #expect(marks.map(\.regions) == [["eu"]])
        #expect(marks.first?.outcome == .error)
        #expect(marks.first?.reason?.hasPrefix("store_corrupt") == true)
    }
}
