import CordonAudit
import Foundation
import Testing

@testable import CordonCore

/// The transfer gate: mechanisms per policy, PIPL's separate consent (the subject's own
/// `cross_border_transfer` record) and volume tiers.
@Suite("Transfer gate")
struct TransferGateTests {
    static let now = Timestamp.parse("2026-12-05T09:00:00Z")!

    /// The consents every test subject has: analytics, and (with `transferConsent`) a
    /// separate consent to cross-border transfer recorded on the subject's line.
    static func consents(transferConsent: Bool) -> [(String, String)] {
        [("analytics", "granted")] + (transferConsent ? [("cross_border_transfer", "granted")] : [])
    }

    func fixture(with subjects: [(String, String)], transferConsent: Bool = true) throws -> VaultFixture {
        let fixture = try VaultFixture()
        _ = try fixture.ingestSubjects(
            subjects.map {
                VaultFixture.subject($0.0, country: $0.1, consents: Self.consents(transferConsent: transferConsent))
            }
        )
        return fixture
    }

    func refusal(_ draft: TransferDraft, in fixture: VaultFixture) throws -> RegisterError? {
        do {
            _ = try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context)
            return nil
        } catch let error as RegisterError {
            return error
        }
    }

    @Test func aPIPLTransferIsRefusedWithoutTheRecordedConsentAndAcceptedOnceTheLineRecordsIt() throws {
        let fixture = try fixture(with: [("cn-1", "CN")], transferConsent: false)
        let id = try #require(try fixture.id(of: "cn-1"))
        let draft = TransferDraft(subjectID: id.rawValue, destination: "DE", mechanism: .cacStandardContract)
        let error = try #require(
            try refusal(draft, in: fixture),
            "a PIPL transfer without separate consent was recorded"
        )
        #expect(error.code == .separateConsentRequired)
        #expect(error.message.contains("PIPL Art. 39") && error.message.contains("no consent recorded"))
        #expect(error.message.contains("--purpose cross_border_transfer --state granted"))
        #expect(!error.message.contains(id.rawValue), "the message repeats no subject id")
        let refused = try #require(try fixture.entries().last)
        #expect(refused.action == "transfer.request" && refused.outcome == .denied && refused.regions == ["cn"])
        #expect(refused.purpose == "cross_border_transfer" && refused.details["consent"] == .string("none"))
        #expect(try fixture.vault.listTransfers(context: fixture.context).isEmpty)

        // The subject's line, ingested again, now records the separate consent.
        _ = try fixture.ingestSubjects([
            VaultFixture.subject(
                "cn-1",
                country: "CN",
                consents: Self.consents(transferConsent: true),
                recordedAt: "2026-12-01T10:00:00Z"
            )
        ])
        let receipt = try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context)
        #expect(receipt.transfer.separateConsent == "test, recorded 2026-12-01T10:00:00.000Z")
        let granted = try #require(try fixture.entries().last)
        #expect(granted.outcome == .ok && granted.details["consent"] == .string("granted"))
        #expect(
            try fixture.vault.listTransfers(context: fixture.context).first?.separateConsent
                == receipt.transfer.separateConsent
        )
    }

    @Test(arguments: [ConsentState.withdrawn, .objected, .restricted])
    func aWithdrawalObjectionOrRestrictionStopsTheNextPIPLTransfer(state: ConsentState) throws {
        let fixture = try fixture(with: [("cn-1", "CN")])
        let id = try #require(try fixture.id(of: "cn-1"))
        let draft = TransferDraft(subjectID: id.rawValue, destination: "US", mechanism: .certification)
        #expect(try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context).peopleThisYear == 1)
        try fixture.vault.recordConsent(
            id,
            purpose: .crossBorderTransfer,
            state: state,
            source: "dsr:request",
            context: fixture.context,
            now: UnixSeconds.from(Self.now) - 60
        )
        #expect(try refusal(draft, in: fixture)?.code == .separateConsentRequired)
        #expect(try fixture.entries().last?.details["consent"] == .string(state.rawValue))
        #expect(try fixture.vault.listTransfers(context: fixture.context).count == 1)
    }

    @Test func aLapsedSeparateConsentNoLongerCounts() {
        let policy = VaultFixture.configuration.policy(for: "cn")
        let now = UnixSeconds.from(Self.now)
        let grant = ConsentRecord(
            purpose: .crossBorderTransfer,
            state: .granted,
            source: "form",
            recordedAt: now - 86_400,
            expiresAt: now
        )
        let standing = SubjectStanding(
            country: CountryCode(rawValue: "CN")!,
            birthYear: 1980,
            globalPrivacyControl: false,
            latestConsents: [.crossBorderTransfer: grant]
        )
        #expect(TransferConsent(standing: standing, policy: policy, now: now - 1).permits)
        let lapsed = TransferConsent(standing: standing, policy: policy, now: now)
        #expect(!lapsed.permits && lapsed.state == "expired" && lapsed.evidence == nil)
        #expect(lapsed.refusal(region: "cn", policy: policy.id)?.message.contains("consent expired") == true)
    }

    @Test func whereTheMechanismIsTheLegalGroundNoConsentIsAskedButARestrictionStopsIt() throws {
        let fixture = try fixture(with: [("eu-1", "DE")], transferConsent: false)
        let id = try #require(try fixture.id(of: "eu-1"))
        let draft = TransferDraft(subjectID: id.rawValue, destination: "US", mechanism: .scc)
        let receipt = try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context)
        #expect(receipt.transfer.separateConsent == nil)
        #expect(try fixture.entries().last?.details["consent"] == .string("none"))
        try fixture.vault.recordConsent(
            id,
            purpose: .crossBorderTransfer,
            state: .restricted,
            source: "dsr:restriction",
            context: fixture.context,
            now: UnixSeconds.from(Self.now) - 60
        )
        let error = try #require(try refusal(draft, in: fixture))
        #expect(error.code == .transferNotLawful && error.message.contains("restricted"))
    }

    @Test func aPIPLTransferWithSeparateConsentIsRecordedAuditedAndCounted() throws {
        let fixture = try fixture(with: [("cn-1", "CN"), ("cn-2", "CN")])
        var draft = TransferDraft(
            subjectID: try #require(try fixture.id(of: "cn-1")).rawValue,
            destination: "de",
            mechanism: .cacStandardContract,
            reference: "CAC-filing-2026-3"
        )
        let first = try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context)
        #expect(first.transfer.region == "cn" && first.transfer.destination == "DE" && first.peopleThisYear == 1)
        #expect(first.warnings.isEmpty)
        let again = try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context)
        #expect(again.peopleThisYear == 1, "the same person counts once a year")
        draft.subjectID = try #require(try fixture.id(of: "cn-2")).rawValue
        #expect(try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context).peopleThisYear == 2)
        let nextYear = Timestamp.parse("2027-01-01T00:00:00Z")!
        #expect(try fixture.vault.requestTransfer(draft, now: nextYear, context: fixture.context).peopleThisYear == 1)
        let entry = try #require(try fixture.entries().last { $0.action == "transfer.request" })
        #expect(entry.outcome == .ok && entry.details["mechanism"] == .string("cac-standard-contract"))
        #expect(try fixture.vault.listTransfers(year: 2026, context: fixture.context).count == 3)
    }

    @Test(arguments: [("DE", TransferMechanism.cacStandardContract), ("CN", .consent)])
    func aMechanismThePolicyDoesNotListIsRefused(country: String, mechanism: TransferMechanism) throws {
        let fixture = try fixture(with: [("s", country)])
        let draft = TransferDraft(
            subjectID: try #require(try fixture.id(of: "s")).rawValue,
            destination: "US",
            mechanism: mechanism
        )
        #expect(throws: RegisterError.self) {
            _ = try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context)
        }
        #expect(try fixture.entries().last?.outcome == .denied)
    }

    @Test func aDestinationInsideTheSubjectsRegionIsNotATransfer() throws {
        let fixture = try fixture(with: [("eu-1", "DE")])
        let draft = TransferDraft(
            subjectID: try #require(try fixture.id(of: "eu-1")).rawValue,
            destination: "FR",
            mechanism: .scc
        )
        do {
            _ = try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context)
            Issue.record("an intra-region destination was recorded as a transfer")
        } catch let error as RegisterError {
            #expect(error.code == .notCrossBorder)
        }
        var abroad = draft
        abroad.destination = "US"
        #expect(
            try fixture.vault.requestTransfer(abroad, now: Self.now, context: fixture.context).transfer.mechanism
                == .scc
        )
    }

    @Test func tiersWarnBeforeAndPastTheirThresholds() throws {
        let tiers = VaultFixture.configuration.policy(for: "cn").transfers.volumeTiers
        #expect(tiers.count == 4)
        let warn = { (people: Int, sensitive: Bool, mechanism: TransferMechanism) in
            TransferTiers.warnings(people: people, sensitive: sensitive, mechanism: mechanism, tiers: tiers)
        }
        #expect(warn(1000, false, .cacStandardContract).isEmpty)
        #expect(warn(90_000, false, .cacStandardContract).first?.contains("prepare the filing") == true)
        #expect(warn(150_000, false, .cacStandardContract).isEmpty, "the standard contract covers this tier")
        #expect(warn(950_000, false, .cacStandardContract).first?.contains("security-assessment") == true)
        #expect(
            warn(1_000_001, false, .cacStandardContract).first?.contains("file it before the next transfer") == true
        )
        #expect(warn(10_000, true, .certification).first?.contains("security-assessment") == true)
        #expect(warn(10_000, true, .securityAssessment).isEmpty)
        #expect(warn(150_000, false, .securityAssessment).isEmpty, "a higher tier's mechanism covers a lower tier")
    }
}
